"""Dispatch's part of the 2015 demo: meetings of September and October 2015 and the tasks they assigned."""


def load_dispatch_demo():
    return {}
