"""Referrals wait for their service to start (model/service_queue.py)."""

from dataclasses import replace

import numpy as np
import pytest

from agents.people import People
from model.hydra_config import compose_config
from model.region_model import RegionModel
from model.service_queue import BOTH, OTHER_SERVICE, TRAINING, ServiceQueue
from model.statuses import Status


def _people(n: int) -> People:
    p = People(n, 1)
    p.status[:] = Status.UNEMPLOYED
    p.muni[:] = 0
    return p


@pytest.mark.parametrize("mean", [1.5, 1.25, 0.3])
def test_waits_run_to_the_next_intake_with_the_mean_asked_for(mean):
    q = ServiceQueue()
    q.add(np.random.default_rng(1), _people(60_000), np.arange(60_000), np.zeros(0, np.int64),
          10, mean)
    wait = q.start - 10
    assert wait.mean() == pytest.approx(mean, abs=0.015)
    assert wait.min() == 0 and wait.max() == int(np.ceil(2 * mean))


def test_with_intakes_every_three_months_a_wait_is_0_to_3_months_mostly_1_or_2():
    q = ServiceQueue()
    q.add(np.random.default_rng(2), _people(60_000), np.arange(60_000), np.zeros(0, np.int64),
          10, 1.5)
    # floor(3u + v): 1/6, 1/3, 1/3, 1/6
    share = np.bincount(q.start - 10) / 60_000
    assert share == pytest.approx([1 / 6, 1 / 3, 1 / 3, 1 / 6], abs=0.01)


def test_someone_already_waiting_is_not_referred_again():
    q, p = ServiceQueue(), _people(10)
    p.spell[:] = 10  # long unemployed: the spells began before the referrals
    rng = np.random.default_rng(2)
    q.add(rng, p, np.array([3, 5]), np.array([5, 8]), 0, 2.0)  # 5 to both
    q.add(rng, p, np.array([8]), np.array([5, 7]), 1, 2.0, source=4)
    assert q.person.tolist() == [3, 5, 8, 7]
    assert q.kind.tolist() == [TRAINING, BOTH, OTHER_SERVICE, OTHER_SERVICE]
    assert q.referred.tolist() == [0, 0, 0, 1] and q.source.tolist() == [0, 0, 0, 4]
    # a referral that lapsed (the person found work) no longer blocks a new one
    p.status[3] = Status.EMPLOYED
    q.add(rng, p, np.zeros(0, np.int64), np.array([9]), 2, 2.0)
    assert q.person.tolist() == [5, 8, 7, 9]
    p.status[3], p.spell[3] = Status.UNEMPLOYED, 0  # back, in a new spell
    q.add(rng, p, np.zeros(0, np.int64), np.array([3]), 3, 2.0)
    assert q.person.tolist() == [5, 8, 7, 9, 3] and q.kind[-1] == OTHER_SERVICE


def test_due_referrals_start_only_within_the_same_spell():
    p = _people(8)
    q = ServiceQueue()
    q.person = np.arange(8)
    q.kind = np.array([TRAINING, OTHER_SERVICE, TRAINING, TRAINING, OTHER_SERVICE, TRAINING, BOTH,
                       TRAINING], np.uint8)
    q.source = np.array([0, 0, 0, 0, 0, 0, 0, 3])
    q.referred = np.full(8, 4)
    q.start = np.array([6, 6, 6, 6, 5, 9, 6, 6])
    p.spell[:] = 3  # unemployed since month 3, referred in month 4
    p.status[2] = Status.EMPLOYED  # found work meanwhile: lapses
    p.spell[3] = 1  # a new spell that began in month 5: lapses
    p.spell[6] = 2  # the spell began in the referral month itself: starts
    due = q.take_due(p, 6)
    assert [s for s, _, _ in due] == [0, 3]
    (_, training, other), (_, training3, other3) = due
    assert training.tolist() == [0, 6] and other.tolist() == [1, 4, 6]  # 6: training, else other
    assert training3.tolist() == [7] and other3.tolist() == []  # another service's referral
    assert q.person.tolist() == [5]  # not due yet
    assert q.take_due(p, 7) == []
    p.close_month()  # month 7 ends: person 5's spell (since month 3) goes on
    assert q.waiting(p, 7) == 1
    p.spell[5] = 3  # after the close of month 7: a spell begun in month 5, after the referral
    assert q.waiting(p, 7) == 0
    p.spell[5] = 4  # begun in month 4, the referral month: still waiting
    assert q.waiting(p, 7) == 1


def test_referrals_wait_in_the_model(small_config):
    def run(wait: float) -> RegionModel:
        services = replace(small_config.scenario.services, service_wait_months=wait)
        cfg = replace(small_config, end="2019-06",
                      scenario=replace(small_config.scenario, services=services))
        return RegionModel(cfg).run()

    at_once, waiting = run(0.0), run(3.0)
    assert len(at_once.service_queue) == 0
    assert at_once.recorder.values("waiting_for_service").max() == 0
    assert waiting.recorder.values("waiting_for_service").max() > 0
    # starts in the first month of a spell fall when referrals wait
    first = [m.recorder.duration_profile(0, 17)["exit_to_services"]["<1"] for m in (at_once, waiting)]
    assert first[1] < 0.6 * first[0]


def test_personal_coachings_referrals_wait_and_start_from_its_own_stream():
    cfg = compose_config(["scale=0.05", "end=2021-12", "scenario=kuntakokeilu"])
    m = RegionModel(cfg)
    coaching = m.interventions_by_name["coaching"]
    starts = {"services": 0, "coaching": 0}
    start_referred = m.start_referred

    def spy(training, other, t, rng):
        if rng is coaching.rng:
            starts["coaching"] += len(training) + len(other)
        elif rng is m.streams["services"]:
            starts["services"] += len(training) + len(other)
        else:
            raise AssertionError("a referral started from another stream")
        start_referred(training, other, t, rng)

    m.start_referred = spy
    m.run()
    assert starts["coaching"] > 0 and starts["services"] > 0


@pytest.mark.parametrize("share", [0.0, 0.5])
def test_ended_services_go_straight_on_to_another_at_the_chain_share(share):
    cfg = compose_config(["scale=0.05", "end=2019-06",
                          f"scenario.services.service_chain_share={share}"])
    m = RegionModel(cfg).run()
    f = m.recorder.flows[: m.t].sum(axis=(0, 3))  # from status x to status
    ends = [Status.TRAINING, Status.OTHER_SERVICE]
    onward = f[ends, Status.OTHER_SERVICE].sum()
    to_unemployment = f[ends, Status.UNEMPLOYED].sum()
    c4 = m.recorder.values("structural_service_to_service")
    if share == 0:
        assert onward == 0 and c4.max() == 0  # every service ends in unemployment
    else:
        assert onward / (onward + to_unemployment) == pytest.approx(share, abs=0.1)
        assert c4.max() > 0  # the fourth component of structural unemployment
