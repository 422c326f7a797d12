"""What opendata adds to the pages of projects (projects.extensions): the project page's 公开数据
section."""

from opendata.views import publication_section
from projects.extensions import project_section

project_section(publication_section)
