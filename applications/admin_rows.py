"""Changelist rows worked out per column, not per cell (issue 9: the application queue).

Django's `items_for_result` decides for every cell what its column is (field, callable, admin
method), looks up the empty value, classes and link, and builds the HTML through `format_html`:
~0.15 ms a row of six columns on top of the values themselves. Here the decisions are taken once
per column and a row is a few string operations. Lists this does not cover (editable lists,
popups, `to_field` pickers) go through Django's own code; `tests/test_admin_changelist.py` checks
that both render the same rows.
"""

import datetime
import html

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, lookup_field, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, formats, timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString


def result_list_context(cl) -> dict:
    """What the admin's `{% result_list %}` tag gives `admin/change_list_results.html`."""
    headers = list(result_headers(cl))
    return {
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows(cl),
    }


def rows(cl) -> list:
    """The rows for `change_list_results.html`; each row's cells come joined as one item (the
    template only prints them one after the other), so the template loops once per row."""
    if cl.formset or cl.is_popup or cl.to_field:
        return list(results(cl))
    columns = _columns(cl)
    return [
        ResultList(None, [SafeString("".join([column(obj) for column in columns]))])
        for obj in cl.result_list
    ]


def _columns(cl) -> list:
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    links = cl.list_display_links
    row_url = _row_url(cl) if links is not None else None
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        link = links is not None and ((first and not links) or name in links)
        tag = "th" if link and first else "td"
        first = first and not link
        columns.append(_column(cl, model_admin, name, index, empty, row_url if link else None, tag))
    return columns


def _row_url(cl):
    """Each row's change link, from one URL: Django reverses it for every row and then resolves
    it again (`add_preserved_filters`) to learn that it is not the changelist, ~0.15 ms a row.
    The links differ only by the pk."""
    if type(cl).url_for_result is not ChangeList.url_for_result:
        return lambda obj: _url(cl, cl.url_for_result(obj))
    marker = "__pk__"
    try:
        url = reverse(
            f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
            args=(marker,),
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return None
    head, _, tail = _url(cl, url).partition(marker)
    pk = cl.pk_attname
    return lambda obj: f"{head}{quote(getattr(obj, pk))}{tail}"


def _url(cl, url) -> str:
    return add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)


def _field(opts, name):
    """The model field that `items_for_result` renders as a field; None for what it renders as a
    value (callables, admin methods, model attributes, reverse relations, `x_id`, the auto pk)."""
    if callable(name):
        return None
    try:
        field = opts.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.auto_created or (field.is_relation and (not field.concrete or field.attname == name)):
        return None
    return field


def _column(cl, model_admin, name, index, empty, link, tag):
    if callable(name):
        css = "field-" + (f"lambda{index}" if name.__name__ == "<lambda>" else name.__name__)
    else:
        css = "field-" + name
    field = _field(cl.model._meta, name)
    if field is not None:
        if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
            css += " nowrap"
        render = _field_renderer(field, empty, link is not None)
    else:
        render = _value_renderer(model_admin, name, empty)
    head, tail = f'<{tag} class="{css}">', f"</{tag}>"
    nowrap_head = f'<{tag} class="{css} nowrap">'

    def cell(obj) -> str:  # already escaped: the row is marked safe once (rows)
        try:
            text, wrap = render(obj)
        except ObjectDoesNotExist:
            text, wrap = empty, False
        text = _escaped(text)
        if link is not None:
            text = f'<a href="{html.escape(link(obj))}">{text}</a>'
        return f"{nowrap_head if wrap else head}{text}{tail}"

    return cell


def _escaped(text) -> str:
    """`conditional_escape` without its lazy-argument wrappers (two per call, ~1.5 µs each):
    safe strings as they are, anything else escaped as `django.utils.html.escape` does."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _field_renderer(field, empty, link):
    name = field.name
    if isinstance(field.remote_field, models.ManyToOneRel):

        def render(obj):
            value = getattr(obj, name)
            return (empty if value is None else value), False

    elif field.flatchoices and (labels := _labels(field)) is not None:

        def render(obj):
            value = _blank(getattr(obj, name))
            try:
                return labels.get(value, empty), False
            except TypeError:  # an unhashable value: Django's own lookup
                return display_for_field(value, field, empty), False

    elif isinstance(field, (models.DateField, models.TimeField)):
        to_local = isinstance(field, models.DateTimeField)
        local_format = _LocalFormat()

        def render(obj):
            value = getattr(obj, name)
            if value in field.empty_values:
                return empty, False
            return local_format(timezone.template_localtime(value) if to_local else value), False

    else:

        def render(obj):
            return display_for_field(_blank(getattr(obj, name)), field, empty, link), False

    return render


class _LocalFormat:
    """`formats.localize` for dates and times with the format string split once per page.

    `dateformat.format` splits the format with a regular expression and unescapes every literal
    piece through a lazily compiled one (~60 µs a call here); the pieces do not change within a
    request."""

    # Pieces that print a translated name (AM/PM, month and weekday names): a few texts on every
    # row, each translated once per page, keyed by what the text depends on.
    NAMED = {
        **dict.fromkeys("aA", lambda value: value.hour < 12),
        **dict.fromkeys("bEFMN", lambda value: value.month),
        **dict.fromkeys("Dl", lambda value: value.weekday()),
    }

    def __init__(self):
        self.plans = {}
        self.names = {}

    def __call__(self, value) -> str:
        if isinstance(value, datetime.datetime):
            setting = "DATETIME_FORMAT"
        elif isinstance(value, datetime.date):
            setting = "DATE_FORMAT"
        else:
            setting = "TIME_FORMAT"
        plan = self.plans.get(setting)
        if plan is None:
            plan = self.plans[setting] = self._plan(setting)
        data = (dateformat.TimeFormat if setting == "TIME_FORMAT" else dateformat.DateFormat)(value)
        return "".join([self._piece(data, piece, value) if code else piece for code, piece in plan])

    def _piece(self, data, piece: str, value) -> str:
        named = self.NAMED.get(piece)
        if named is None:
            return str(getattr(data, piece)())
        key = (piece, named(value))
        text = self.names.get(key)
        if text is None:
            text = self.names[key] = str(getattr(data, piece)())
        return text

    @staticmethod
    def _plan(setting):
        pieces = dateformat.re_formatchars.split(str(formats.get_format(setting)))
        return [
            (True, piece) if i % 2 else (False, dateformat.re_escaped.sub(r"\1", piece))
            for i, piece in enumerate(pieces)
            if i % 2 or piece
        ]


def _labels(field) -> dict | None:
    """The choice labels, translated once per page (Django hashes every lazy label per cell)."""
    try:
        return {value: str(label) for value, label in field.flatchoices}
    except TypeError:  # list-like choices
        return None


def _value_renderer(model_admin, name, empty):
    if callable(name):
        attr = name
    elif isinstance(name, str) and hasattr(model_admin, name) and name != "__str__":
        attr = getattr(model_admin, name)
    else:  # a model attribute or a lookup: per row, as Django does
        return lambda obj: _display_value(*lookup_field(name, obj, model_admin)[1:], empty)
    # The same attribute on every row: its empty value and boolean flag are read once.
    empty, boolean = _display_options(attr, empty)

    def render(obj):
        value = attr(obj)
        if type(value) is str and not boolean and value.strip():  # most cells: text as it is
            return value, False
        return _display(value, empty, boolean)

    return render


def _display_options(attr, empty) -> tuple:
    boolean = getattr(attr, "boolean", False)
    if isinstance(attr, property) and hasattr(attr, "fget"):
        boolean = getattr(attr.fget, "boolean", False)
    return getattr(attr, "empty_value_display", empty), boolean


def _display_value(attr, value, empty):
    return _display(value, *_display_options(attr, empty))


def _display(value, empty, boolean):
    value = _blank(value)
    if isinstance(value, Promise):
        value = str(value)
    return display_for_value(value, empty, boolean), isinstance(
        value, (datetime.date, datetime.time)
    )


def _blank(value):
    return "" if isinstance(value, str) and value.strip() == "" else value
