"""What dispatch adds to the pages of projects (projects.extensions): the project page's 交办事项, the
problem page's 交办督办."""

from dispatch.views.sections import problem_tasks_section
from dispatch.views.tasks import tasks_section
from projects.extensions import problem_section, project_section

project_section(tasks_section)
problem_section(problem_tasks_section)
