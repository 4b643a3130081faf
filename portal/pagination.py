"""Paging through lists: the page asked for, and pagination of statements whose rows have
several columns (an object with its counts and names), which `db.paginate` cannot do: it keeps
only the first column of each row."""

from flask import request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select

from portal.extensions import db

# Far beyond any real list, small enough that OFFSET never overflows a database integer.
MAX_PAGE = 100_000


def page_number() -> int:
    """The `page` of the query string, 1 when missing or nonsense, never past MAX_PAGE."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


class RowPagination(SelectPagination):
    """Flask-SQLAlchemy's pagination of a select, keeping whole rows."""

    def _query_items(self) -> list:
        statement = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(statement).all())


def paginate_rows(statement: Select, page: int, per_page: int) -> RowPagination:
    """A page of rows; a page past the end is empty (the template says so), never an error."""
    return RowPagination(
        select=statement,
        session=db.session(),
        page=min(max(page, 1), MAX_PAGE),
        per_page=per_page,
        max_per_page=per_page,
        error_out=False,
        count=True,
    )
