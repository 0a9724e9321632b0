"""The BuildGrid fixture (buildgrid_support.py) proven with BuildGrid's own client (`bgd execute
command`) and a bot made of BuildGrid's own client library (buildgrid_bot.py), no PlanBuild code:
an action is routed by its platform properties to the bot that has its tools, runs there, and its
output comes back; a bot killed with SIGKILL in the middle of an action loses its lease to another
bot within seconds; the server can be stopped in the middle of a test; nothing is left running."""
import os
import signal
import socket
import time

import pytest

from buildgrid_support import bgd_execute, bot_log, buildgrid, reference_bots


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


def test_an_action_runs_on_the_bot_with_its_tools_and_its_output_comes_back(tmp_path):
    with buildgrid(tmp_path) as server, reference_bots(server, tmp_path / "bots") as start:
        start("bot-npm", "OSFamily=Linux", "tools=node", "tools=npm")
        start("bot-maven", "OSFamily=Linux", "tools=jdk", "tools=maven", "tools=python")
        server.wait_for_bot_sessions(2)
        ran = bgd_execute(server, tmp_path / "client", "cat in.txt > out.txt; echo hi >> out.txt",
                      "OSFamily=Linux", "tools=jdk", "tools=maven")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert (tmp_path / "client" / "testing" / "out.txt").read_text() == "input\nhi\n"
        # Routed by its properties: a subset of bot-maven's tools, none of bot-npm's.
        assert "completed" in bot_log(tmp_path / "bots", "bot-maven")
        assert "running" not in bot_log(tmp_path / "bots", "bot-npm")

        # The server itself stores a successful result in the ActionCache (the bot only completes its
        # lease): the same action again is answered from the cache, no bot runs it.
        for attempt in ("first", "again"):
            cached = bgd_execute(server, tmp_path / attempt, "echo cached > out.txt", "OSFamily=Linux", cache=True)
            assert cached.returncode == 0, cached.stdout + cached.stderr
            assert (tmp_path / attempt / "testing" / "out.txt").read_text() == "cached\n"
        assert bot_log(tmp_path / "bots", "bot-maven").count("completed") + \
            bot_log(tmp_path / "bots", "bot-npm").count("completed") == 2

        # A property key the server was not configured with is refused at once, not queued forever.
        refused = bgd_execute(server, tmp_path / "refused", "true", "OSFamily=Linux", "gpu=yes")
        assert refused.returncode != 0
        assert "Unregistered platform property" in refused.stdout + refused.stderr
    assert server.leftovers() == []


def test_a_killed_bot_loses_its_lease_to_another_bot(tmp_path):
    work = tmp_path / "bots"
    with buildgrid(tmp_path) as server, reference_bots(server, work) as start:
        first = start("bot-a", "OSFamily=Linux", "tools=maven")
        client = bgd_execute(server, tmp_path / "client", "sleep 2; echo done > out.txt",
                             "OSFamily=Linux", "tools=maven", background=True)
        wait_for(lambda: "running" in bot_log(work, "bot-a"), 60, "bot-a to take the lease")
        os.killpg(first.pid, signal.SIGKILL)
        killed = time.monotonic()
        start("bot-b", "OSFamily=Linux", "tools=maven")
        wait_for(lambda: "running" in bot_log(work, "bot-b"), 30, "the lease to move to bot-b")
        moved = time.monotonic() - killed
        print(f"the lease moved {moved:.1f} s after bot-a was killed")
        output, _ = client.communicate(timeout=60)
        assert client.returncode == 0, output
        assert (tmp_path / "client" / "testing" / "out.txt").read_text() == "done\n"
        assert "completed" in bot_log(work, "bot-b")
        # The keepalive is 5 s and the reaper sweeps every second: the lease moves within about 6 s
        # of the bot's last call (bounded loosely: the machine is shared).
        assert moved < 20, f"the lease took {moved:.1f} s to move"
    assert server.leftovers() == []


def test_a_cancelled_operation_takes_the_lease_away_from_its_bot(tmp_path):
    work = tmp_path / "bots"
    with buildgrid(tmp_path) as server, reference_bots(server, work) as start:
        start("bot", "OSFamily=Linux")
        client = bgd_execute(server, tmp_path / "client", "sleep 60", "OSFamily=Linux", background=True)
        wait_for(lambda: "running" in bot_log(work, "bot"), 60, "the bot to take the lease")
        client.send_signal(signal.SIGINT)  # bgd execute's own handler: CancelOperation
        client.communicate(timeout=30)
        # The lease is not sent back CANCELLED: it is missing from the bot's next answer.
        wait_for(lambda: "cancelled" in bot_log(work, "bot"), 30, "the lease to be taken away")
    assert server.leftovers() == []


def test_a_bot_with_capacity_two_runs_two_actions_at_once(tmp_path):
    work = tmp_path / "bots"
    with buildgrid(tmp_path) as server, reference_bots(server, work) as start:
        start("bot", "OSFamily=Linux", capacity=2)
        clients = [bgd_execute(server, tmp_path / f"client-{n}", "sleep 3; echo done > out.txt", "OSFamily=Linux",
                               background=True) for n in (1, 2)]
        wait_for(lambda: bot_log(work, "bot").count("running") == 2, 60, "two leases at once")
        assert "completed" not in bot_log(work, "bot")
        for client in clients:
            output, _ = client.communicate(timeout=60)
            assert client.returncode == 0, output
    assert server.leftovers() == []


def test_the_server_can_be_stopped_in_the_middle_of_a_test(tmp_path):
    with buildgrid(tmp_path, instance="main") as server:
        port = int(server.target.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        server.stop()
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        assert server.instance == "main" and server.log.exists()
    assert server.leftovers() == []
