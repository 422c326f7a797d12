"""What dispatch adds to the pages of projects (projects.extensions): the project page's 交办事项."""
