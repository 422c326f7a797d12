"""销号 races: the office confirming a 待销号 problem while a colleague sends it back moves it once
(PostgreSQL only, where the two transactions truly run side by side)."""

import threading
import time
from datetime import date

import pytest
from django.db import connection

from projects.models import Problem, Project
from projects.services import problems
from projects.services.problems import problem_confirm, problem_send_back
from tests.projects.test_write_races import run_in_thread

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]


def test_a_confirmation_and_a_send_back_at_once_move_the_problem_once(users, monkeypatch):
    project = Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")
    problem = Problem.objects.create(
        project=project,
        description="并发销号测试",
        raised_on=date(2015, 10, 1),
        status="pending_close",
        resolution="街道报已解决",
        resolved_on=date(2015, 10, 10),
    )
    inside, original = threading.Event(), problems.audited_save

    def slow_save(obj, **kwargs):
        saved = original(obj, **kwargs)
        if obj.status == "resolved":  # the confirmation
            inside.set()
            time.sleep(1)  # the confirmation holds the row's lock while the send-back arrives
        return saved

    monkeypatch.setattr(problems, "audited_save", slow_save)
    outcomes = {}
    stale = Problem.objects.get(pk=problem.pk)
    confirming = run_in_thread(outcomes, "confirm", lambda: problem_confirm(user=users["admin"], problem=stale))
    assert inside.wait(10)
    sending = run_in_thread(
        outcomes, "send_back", lambda: problem_send_back(user=users["admin"], problem=stale, reason="未解决")
    )
    confirming.join(15), sending.join(15)
    assert outcomes["confirm"][0] == "ok"
    assert outcomes["send_back"][0] == "ValidationError" and "刚被其他人修改" in str(outcomes["send_back"][1])
    row = Problem.objects.get(pk=problem.pk)
    assert (row.status, row.resolution) == ("resolved", "街道报已解决")
    assert list(row.steps.values_list("from_status", "to_status")) == [("pending_close", "resolved")]
