"""The roles of the authorisation matrix and shorthands for the usual expectations.

Expectations: an HTTP status code, LOGIN (redirect to the login page) or HOME (a redirect
somewhere else than the login page)."""

LOGIN = "login"
HOME = "redirect"
ROLES = ("anonymous", "editor_a", "admin_a", "admin_b", "reviewer", "admin")


def everyone(expected):
    return dict.fromkeys(ROLES, expected)


def logged_in(expected, anonymous=LOGIN):
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], expected)}


def ministry_only(expected=200):
    return {
        "anonymous": LOGIN,
        "editor_a": 403,
        "admin_a": 403,
        "admin_b": 403,
        "reviewer": expected,
        "admin": expected,
    }


def org_a_and_ministry(expected=200):
    """Pages of organisation A: its own users and the ministry; organisation B is refused."""
    return {
        "anonymous": LOGIN,
        "editor_a": expected,
        "admin_a": expected,
        "admin_b": 403,
        "reviewer": expected,
        "admin": expected,
    }
