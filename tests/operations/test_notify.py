"""Problems reach a person: the run-status sensors write a notification for a failed build and for a
build with warnings, to a log file by default and by e-mail through a real (local) SMTP server."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy

import dagster as dg
import pytest

from pipelines.operations.notify import LOG_NAME, NotificationChannel, notify_builds_with_warnings, notify_failed_builds


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to receive messages: greeting, EHLO/HELO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        envelope = {"to": []}
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                envelope["from"] = command.split(":", 1)[1].strip(" <>")
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["to"].append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append(envelope | {"message": message_from_bytes(data, policy=policy.default)})
                envelope = {"to": []}
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture()
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def failed_run(instance):
    @dg.op
    def render_pdf():
        raise ValueError("the PDF renderer ran out of memory")

    @dg.job(name="build_edition")
    def failing():
        render_pdf()

    result = failing.execute_in_process(instance=instance, raise_on_error=False, tags={"afml/edition": "afml-13", "afml/trigger": "schedule"})
    run = instance.get_run_by_id(result.run_id)
    [event] = [e.dagster_event for e in instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)]
    return run, event


def test_a_failed_build_is_mailed_through_smtp(smtp_server, tmp_path, monkeypatch):
    monkeypatch.delenv("AFML_NOTIFY_SMTP_HOST", raising=False)
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        run, event = failed_run(instance)
        channel = NotificationChannel(smtp_host="127.0.0.1", smtp_port=smtp_server.server_address[1], sender="pipeline@example.org", recipients="editor@example.org, lead@example.org")
        with dg.build_run_status_sensor_context(sensor_name="notify_failed_builds", dagster_event=event, dagster_instance=instance, dagster_run=run, resources={"notifications": channel}) as context:
            notify_failed_builds(context.for_run_failure())
    [mail] = smtp_server.received
    assert mail["from"] == "pipeline@example.org" and mail["to"] == ["editor@example.org", "lead@example.org"]
    assert mail["message"]["Subject"] == "[AFML progress review] build of afml-13 FAILED"
    body = mail["message"].get_content()
    assert f"run {run.run_id}" in body and "started by schedule" in body
    assert "failed at render_pdf: the PDF renderer ran out of memory" in body and "last good report stays published" in body
    assert not (tmp_path / LOG_NAME).exists()


def test_smtp_settings_come_from_the_environment(smtp_server, tmp_path, monkeypatch):
    monkeypatch.setenv("AFML_NOTIFY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AFML_NOTIFY_SMTP_PORT", str(smtp_server.server_address[1]))
    monkeypatch.setenv("AFML_NOTIFY_TO", "editor@example.org")
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        where = NotificationChannel().send(instance, "subject", "body")
    assert where == f"smtp://127.0.0.1:{smtp_server.server_address[1]}"
    assert [m["to"] for m in smtp_server.received] == [["editor@example.org"]]


def test_a_build_with_warnings_goes_to_the_log_file_by_default(afml13_build, monkeypatch):
    monkeypatch.delenv("AFML_NOTIFY_SMTP_HOST", raising=False)
    monkeypatch.delenv("AFML_NOTIFY_LOG", raising=False)
    instance = afml13_build.instance
    run = instance.get_run_by_id(afml13_build.result.run_id)
    [event] = [e.dagster_event for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)]
    log = afml13_build.outputs.parent / "dagster_home" / LOG_NAME
    before = log.read_text(encoding="utf-8") if log.exists() else ""
    with dg.build_run_status_sensor_context(sensor_name="notify_builds_with_warnings", dagster_event=event, dagster_instance=instance, dagster_run=run, resources={"notifications": NotificationChannel()}) as context:
        notify_builds_with_warnings(context)
    added = log.read_text(encoding="utf-8")[len(before) :]
    assert added.splitlines()[0].endswith("[AFML progress review] build of afml-13 published with warnings")
    assert "printed_values_agree (printed_vs_computed): 8 printed value(s) differ from the computed ones" in added
    assert "quarantined: 0 rows" in added and "published: outputs/afml-13/latest" in added
