"""What approvals adds to the pages of projects (projects.extensions): the project page's 前期手续
and 要素保障 sections, the overview's 联审联批 and 要素保障 panels."""

from approvals.views.board import approvals_panel
from approvals.views.items import approvals_section
from approvals.views.resources import resources_panel, resources_section
from projects.extensions import overview_panel, project_section

project_section(approvals_section)
project_section(resources_section)
overview_panel(approvals_panel)
overview_panel(resources_panel)
