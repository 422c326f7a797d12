"""Reads: every page, export and command gets its rows and figures from here, in the user's scope.

Import from the module that holds a read (``projects.selectors.reporting``, ``…figures``, …): the
module's name says what it is about, and nothing is re-exported here.
"""
