"""Notifications for what happens in projects (projects.events): a report returned, a 督办意见, a
problem solved or sent back. Each runs in the transaction of the event."""
