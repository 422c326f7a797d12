"""What happened in projects that the apps above may want to act on (dispatch tells people about it),
as Django signals sent by projects' services inside the transaction of the write: a receiver that
writes (an inbox row, an outbox message) commits or rolls back with the event itself. projects sends
them without knowing who listens (docs/architecture.md)."""

from django.dispatch import Signal

# report_returned.send(sender=MonthlyReport, report=..., by=user, reason=str)
report_returned = Signal()
# instruction_added.send(sender=Instruction, instruction=...)  (a leader's 督办意见 on a problem)
instruction_added = Signal()
# problem_solved.send(sender=Problem, problem=..., by=user)  (a street says solved: 待销号)
problem_solved = Signal()
# problem_sent_back.send(sender=Problem, problem=..., by=user, reason=str)  (the office refuses 销号)
problem_sent_back = Signal()
# problem_confirmed.send(sender=Problem, problem=..., by=user)  (the office's 销号)
problem_confirmed = Signal()
# reports_chased.send(sender=MonthlyReport, year=int, month=int, users=[user, ...], by=user)  (催报: the
# office reminds the staff whose listings have no submitted report for the month)
reports_chased = Signal()
