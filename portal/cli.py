"""Command-line interface: `flask --app portal <command>`."""

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import inspect, select

from portal.extensions import db


def _database_is_empty() -> bool:
    from portal.models import User

    if not inspect(db.engine).has_table("user"):
        raise click.ClickException("The database has no tables yet: run `flask db upgrade` first.")
    return db.session.scalar(select(User.id).limit(1)) is None


def init_app(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
    def seed_demo_command(if_empty: bool):
        """Load reference data and the demo network (idempotent)."""
        from portal.seed import seed_demo

        if if_empty and not _database_is_empty():
            click.echo("Database already has data; demo data not loaded again.")
            return
        counts = seed_demo()
        click.echo(
            f"Demo data ready: {counts['organisations']} organisations, {counts['users']} users."
        )

    @app.cli.command("seed-reference")
    def seed_reference_command():
        """Add missing fields of action and indicators (run after `flask db upgrade`)."""
        from portal.reference_data import seed_reference_data

        seed_reference_data()
        click.echo("Fields of action and indicators are in place.")

    @app.cli.command("demo-logins")
    def demo_logins_command():
        """Print the demo accounts."""
        from portal.seed import DEMO_LOGINS, DEMO_PASSWORD

        click.echo("")
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, who in DEMO_LOGINS:
            click.echo(f"  {email:<55} {who}")
        click.echo("")

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", default="", help="Defaults to the part of the address before @.")
    @click.option(
        "--role",
        required=True,
        type=click.Choice(["partner_editor", "partner_admin", "reviewer", "admin"]),
    )
    @click.option("--organisation", default=None, help="Name or slug; required for partner roles.")
    @click.option("--password", default=None, help="Without it, an invitation e-mail is queued.")
    @click.option("--locale", default="de", type=click.Choice(["de", "en"]))
    def create_user_command(email, name, role, organisation, password, locale):
        """Create a user; invites by e-mail unless --password is given."""
        from email_validator import EmailNotValidError, validate_email

        from portal.auth import services
        from portal.models import Organisation, Role

        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            raise click.BadParameter(str(error), param_hint="--email") from None
        if services.find_user_by_email(email):
            raise click.ClickException(f"A user with the address {email} already exists.")
        role = Role(role)
        org = None
        if role in (Role.PARTNER_ADMIN, Role.PARTNER_EDITOR):
            if not organisation:
                raise click.BadParameter(
                    "partner roles need --organisation", param_hint="--organisation"
                )
            org = db.session.scalar(
                select(Organisation).where(
                    (Organisation.name == organisation) | (Organisation.slug == organisation)
                )
            )
            if org is None:
                raise click.ClickException(f"No organisation called {organisation!r}.")
        elif organisation:
            raise click.BadParameter(
                "ministry roles belong to no organisation", param_hint="--organisation"
            )
        name = name or email.split("@")[0]
        if password is not None:
            if len(password) < 12:
                raise click.BadParameter("at least 12 characters", param_hint="--password")
            user = services.create_user_with_password(email, name, role, password, org, locale)
            click.echo(f"Created {user.email} ({role.value}).")
        else:
            user = services.invite_user(email, name, role, org, locale=locale)
            click.echo(f"Invited {user.email} ({role.value}); run `flask mail send` to deliver.")

    mail_group = AppGroup("mail", help="The e-mail outbox.")

    @mail_group.command("send")
    @click.option("--limit", default=200, show_default=True)
    def mail_send_command(limit: int):
        """Deliver queued e-mails (run every minute by cron)."""
        from portal.mail import deliver_pending

        counts = deliver_pending(limit=limit)
        click.echo(
            f"sent: {counts['sent']}, to retry: {counts['retry']}, failed: {counts['failed']}"
        )

    @mail_group.command("status")
    def mail_status_command():
        """Count messages in the outbox by status."""
        from sqlalchemy import func

        from portal.models import OutboxMessage

        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        for status, count in rows:
            click.echo(f"{status.value}: {count}")
        if not rows:
            click.echo("The outbox is empty.")

    app.cli.add_command(mail_group)

    reminders_group = AppGroup("reminders", help="Reminder e-mails (run daily by cron).")

    @reminders_group.command("send")
    def reminders_send_command():
        """Send the reminders that are due; safe to run more than once a day."""
        from portal.reminders import send_all

        for kind, count in send_all().items():
            click.echo(f"{kind}: {count} reminder(s) sent")

    app.cli.add_command(reminders_group)
