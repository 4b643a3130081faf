"""Glue shared by every page: error pages, template globals, pagination helper."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal import policy
from portal.text import paragraphs


class PolicyNamespace:
    """`policy.can_edit(current_user, concept)` in templates calls portal.policy."""

    def __getattr__(self, name):
        try:
            return policy.TEMPLATE_FUNCTIONS[name]
        except KeyError:
            raise AttributeError(name) from None


def init_app(app: Flask) -> None:
    from portal.labels import badge_kind, label

    app.jinja_env.globals["policy"] = PolicyNamespace()
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["badge_kind"] = badge_kind
    # User text with paragraphs and links, escaped: see portal/text.py.
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/400.html", csrf=True), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        template = (
            f"errors/{code}.html"
            if code in {400, 403, 404, 405, 413, 429}
            else "errors/generic.html"
        )
        return render_template(template, error=error), code

    @app.errorhandler(Exception)
    def server_error(error):
        # Unexpected errors: log them and show a calm page; the transaction is rolled back.
        from portal.extensions import db

        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return render_template("errors/500.html"), 500
