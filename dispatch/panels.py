"""What dispatch adds to the pages of projects (projects.extensions): the project page's 交办事项."""

from dispatch.views.tasks import tasks_section
from projects.extensions import project_section

project_section(tasks_section)
