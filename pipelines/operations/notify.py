"""Problems reach a person: a notification for every failed build and every build with warnings
(quarantined rows, failed WARN checks), whichever way it was started (command line, UI, sensor, schedule).

Two run-status sensors watch the instance; they write through one configurable channel:

- by default, a line-oriented log file, ``notifications.log`` in the Dagster instance folder
  (``.dagster/`` of the checkout, or the scratch instance of a ``--outputs`` build);
- by e-mail when an SMTP host is configured, in the resource config or in the environment:
  ``AFML_NOTIFY_SMTP_HOST``, ``AFML_NOTIFY_SMTP_PORT`` (25), ``AFML_NOTIFY_FROM``, ``AFML_NOTIFY_TO``
  (comma-separated), ``AFML_NOTIFY_SMTP_STARTTLS`` (1 to use STARTTLS), ``AFML_NOTIFY_SMTP_USER`` and
  ``AFML_NOTIFY_SMTP_PASSWORD`` (only if the server asks for a login).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dagster as dg

from pipelines.operations.summary import root_errors, summarize_run

EDITION_TAG = "afml/edition"
LOG_NAME = "notifications.log"


class NotificationChannel(dg.ConfigurableResource):
    """Where notifications go: SMTP if a host is set (here or in ``AFML_NOTIFY_SMTP_HOST``), else a log file."""

    smtp_host: str = ""
    smtp_port: int = 0
    sender: str = ""
    recipients: str = ""
    """Comma-separated addresses."""
    log_file: str = ""
    """Default: notifications.log in the Dagster instance folder."""

    def _setting(self, value, variable: str, default=""):
        return value or os.environ.get(variable, "") or default

    def send(self, instance, subject: str, body: str) -> str:
        """Deliver one notification; returns where it went (a file path or ``smtp://host:port``)."""
        host = self._setting(self.smtp_host, "AFML_NOTIFY_SMTP_HOST")
        if host:
            return self._send_mail(host, subject, body)
        path = Path(self._setting(self.log_file, "AFML_NOTIFY_LOG", str(Path(instance.root_directory) / LOG_NAME)))
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        indented = "\n".join(f"    {line}" for line in body.splitlines())
        with path.open("a", encoding="utf-8") as log:
            log.write(f"{stamp} {subject}\n{indented}\n")
        return str(path)

    def _send_mail(self, host: str, subject: str, body: str) -> str:
        import smtplib
        from email.message import EmailMessage

        port = int(self._setting(self.smtp_port, "AFML_NOTIFY_SMTP_PORT", "25"))
        recipients = [a.strip() for a in self._setting(self.recipients, "AFML_NOTIFY_TO").split(",") if a.strip()]
        if not recipients:
            raise ValueError("AFML_NOTIFY_SMTP_HOST is set but no recipient: set AFML_NOTIFY_TO (comma-separated addresses)")
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self._setting(self.sender, "AFML_NOTIFY_FROM", "afml-pipeline@localhost")
        message["To"] = ", ".join(recipients)
        message.set_content(body)
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            if os.environ.get("AFML_NOTIFY_SMTP_STARTTLS") == "1":
                smtp.starttls()
            user = os.environ.get("AFML_NOTIFY_SMTP_USER")
            if user:
                smtp.login(user, os.environ.get("AFML_NOTIFY_SMTP_PASSWORD", ""))
            smtp.send_message(message)
        return f"smtp://{host}:{port}"


def _run_body(run, lines: list[str]) -> str:
    trigger = run.tags.get("afml/trigger", "")
    head = [f"run {run.run_id} (job {run.job_name}" + (f", started by {trigger}" if trigger else "") + ")"]
    return "\n".join(head + lines) + "\n"


def failure_notification(instance, run, failure_message: str = "") -> tuple[str, str]:
    """Subject and body of the notification for a failed build."""
    edition = run.tags.get(EDITION_TAG, "")
    lines = ["the last good report stays published."]
    for step, message in root_errors(instance, run.run_id):
        lines.append(f"failed at {step}: " + " ".join(message.splitlines()[:3]))
    if len(lines) == 1 and failure_message:
        lines.append(failure_message.strip().splitlines()[0])
    summary = summarize_run(instance, run.run_id, edition)
    if summary.files_read is not None:  # the survey was read before the failure
        lines += ["before it failed:", *summary.lines()]
        instance.add_run_tags(run.run_id, {k: v for k, v in summary.tags().items() if run.tags.get(k) != v})
    return f"[AFML progress review] build of {edition or run.job_name} FAILED", _run_body(run, lines)


def warning_notification(instance, run) -> tuple[str, str] | None:
    """Subject and body for a successful build with warnings, or None when it had none.

    Also records the summary on the run as tags (for runs whose publishing step did not, e.g. checks that
    were evaluated after it)."""
    edition = run.tags.get(EDITION_TAG, "")
    summary = summarize_run(instance, run.run_id, edition)
    tags = {k: v for k, v in summary.tags().items() if run.tags.get(k) != v}
    if tags:
        instance.add_run_tags(run.run_id, tags)
    if not summary.has_warnings:
        return None
    lines = ["built and published with warnings:", *summary.lines()]
    if summary.published:
        lines.append(f"published: {summary.published}")
    return f"[AFML progress review] build of {edition} published with warnings", _run_body(run, lines)


def _ours(run) -> bool:
    return EDITION_TAG in run.tags


@dg.run_failure_sensor(name="notify_failed_builds", monitor_all_code_locations=True, default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=30)
def notify_failed_builds(context: dg.RunFailureSensorContext, notifications: NotificationChannel):
    """Writes a notification (log file, or e-mail when SMTP is configured) for every failed build."""
    if not _ours(context.dagster_run):
        return dg.SkipReason("not a build of an edition")
    subject, body = failure_notification(context.instance, context.dagster_run, context.failure_event.message or "")
    where = notifications.send(context.instance, subject, body)
    context.log.info(f"notification sent to {where}")


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="notify_builds_with_warnings", monitor_all_code_locations=True, default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=30)
def notify_builds_with_warnings(context: dg.RunStatusSensorContext, notifications: NotificationChannel):
    """Writes a notification for every build published with quarantined rows or failed WARN checks."""
    if not _ours(context.dagster_run):
        return dg.SkipReason("not a build of an edition")
    message = warning_notification(context.instance, context.dagster_run)
    if message is None:
        return dg.SkipReason("no warnings")
    where = notifications.send(context.instance, *message)
    context.log.info(f"notification sent to {where}")


NOTIFICATION_SENSORS = [notify_failed_builds, notify_builds_with_warnings]
