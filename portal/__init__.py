"""The partner portal of "Erfolgsfaktor Interkulturelle Öffnung – NRW stärkt Vielfalt!".

`create_app` is the application factory; there is no global app object."""

import os
from pathlib import Path

from flask import Flask

from portal import config as config_module
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.config.from_object(config_module.DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    _complete_config(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from portal import i18n

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=None)
    i18n.init_app(app)

    from portal import auth, security, web

    auth.init_login_manager(app)
    security.init_app(app)
    web.init_app(app)
    _register_blueprints(app)

    from portal import cli

    cli.init_app(app)
    return app


def _complete_config(app: Flask) -> None:
    """Fill in settings that depend on the instance folder or on other settings."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "portal.sqlite3"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key(app.instance_path)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    if app.config.get("MAIL_OUTBOX_FOLDER") is None:
        app.config["MAIL_OUTBOX_FOLDER"] = os.path.join(app.instance_path, "outbox")


def _register_blueprints(app: Flask) -> None:
    from portal.account import bp as account_bp
    from portal.applications import bp as applications_bp
    from portal.auth import bp as auth_bp
    from portal.concepts import bp as concepts_bp
    from portal.cycles import bp as cycles_bp
    from portal.exchange import bp as exchange_bp
    from portal.forum import bp as forum_bp
    from portal.manage import bp as manage_bp
    from portal.network import bp as network_bp
    from portal.partners import bp as partners_bp
    from portal.public import bp as public_bp
    from portal.reports import bp as reports_bp
    from portal.review import bp as review_bp

    for blueprint in (
        public_bp,
        auth_bp,
        account_bp,
        applications_bp,
        partners_bp,
        manage_bp,
        network_bp,
        concepts_bp,
        reports_bp,
        review_bp,
        cycles_bp,
        exchange_bp,
        forum_bp,
    ):
        app.register_blueprint(blueprint)
