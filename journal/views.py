"""Journal pages under /registers/journal/ (docs/journal.md). Reading needs the dashboard's
permission; the two writes (a mapping or the settings; marking posted) are POSTs with CSRF, for
finance staff only (``journal.access``); a refused write shows the page again with its sentence
and changes nothing."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from journal import access, formats, services
from journal.exceptions import JournalError
from journal.forms import MappingForm, PostForm, SettingsForm
from journal.mappings import journal_settings
from journal.pages import journal_page, mappings_page, posting_page
from journal.selectors import selection_for
from registers.access import dashboard_page


def _stem(journal_form) -> str:
    data = journal_form.cleaned_data
    if data.get("cashup"):
        return f"journal_cashup-{data['cashup']}"
    days = data["days"]
    return f"journal_{days.first.isoformat()}_{days.last.isoformat()}"


def _download(lines, filename_stem: str, file_format: str, mapping_version: int):
    """The file; its ``X-Kohapay-Mapping-Version`` header says which mappings made it."""
    if file_format == "csv":
        response = formats.journal_csv(lines, f"{filename_stem}.csv")
    else:
        settings = journal_settings()
        response = formats.journal_fixed(
            lines, f"{filename_stem}.txt", spec=settings.layout_columns,
            sep=settings.layout_separator, header=settings.layout_header)
    response["X-Kohapay-Mapping-Version"] = str(mapping_version)
    return response


@dashboard_page
def journal_view(request):
    page = journal_page(request.user, request.GET)
    if page.valid and page.file_format != "page":
        journal = page.report.journal
        return _download(journal.lines, _stem(page.form), page.file_format,
                         journal.mapping_version)
    return render(request, "journal/journal.html", page.context(), status=200 if page.valid else 400)


def finance_write(allowed):
    """A write of finance staff: logged in, POST (with CSRF), ``allowed(user)`` or 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        @require_POST
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


@finance_write(access.can_post)
def post_view(request):
    form = PostForm(request.POST)
    if not form.is_valid():
        return render(request, "journal/journal.html", {"form": form, "invalid": True}, status=400)
    data = form.cleaned_data
    selection = selection_for(request.user, days=data["days"], cashup_id=data.get("cashup"))
    seen = services.Seen(data["digest"], data["mapping_version"])
    try:
        posting = services.post_journal(user=request.user, selection=selection, seen=seen)
    except JournalError as exc:
        page = journal_page(request.user, _query(data), error=exc.detail)
        return render(request, "journal/journal.html", page.context(), status=exc.status_code)
    messages.success(request, f"Posted: {posting.line_count} lines, {posting.total} on each side.")
    return redirect(reverse("journal:posting", args=[posting.pk]))


def _query(data) -> dict:
    if data.get("cashup"):
        return {"cashup": data["cashup"]}
    return {"from": data["days"].first.isoformat(), "to": data["days"].last.isoformat()}


@dashboard_page
def mappings_view(request):
    return render(request, "journal/mappings.html",
                  mappings_page(request.user, request.GET).context())


def _mappings_again(request, status: int, **forms):
    page = mappings_page(request.user, **forms)
    return render(request, "journal/mappings.html", page.context(), status=status)


@finance_write(access.can_change_mappings)
def change_mapping_view(request):
    form = MappingForm(request.POST)
    if not form.is_valid():
        return _mappings_again(request, 400, mapping_form=form)
    data = form.cleaned_data
    if not access.can_change_mapping(request.user, data["kind"], data["code"]):
        raise PermissionDenied
    try:
        if data["remove"]:
            change = services.delete_mapping(user=request.user, kind=data["kind"],
                                             code=data["code"])
        else:
            change = services.save_mapping(
                user=request.user, kind=data["kind"], code=data["code"], account=data["account"],
                cost_centre=data["cost_centre"], vat_rate=data["vat_rate"],
                vat_code=data["vat_code"])
    except JournalError as exc:
        form.add_error(None, exc.detail)
        return _mappings_again(request, exc.status_code, mapping_form=form)
    return _saved(request, change)


@finance_write(lambda user: access.can_change_mapping(user, "settings", ""))
def change_settings_view(request):
    form = SettingsForm(request.POST, instance=journal_settings())
    if not form.is_valid():
        return _mappings_again(request, 400, settings_form=form)
    change = services.save_settings(user=request.user, **{
        name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS})
    return _saved(request, change)


def _saved(request, change):
    messages.success(request, f"Saved as mapping version {change.pk}." if change
                     else "Nothing changed.")
    return redirect(reverse("journal:mappings"))


@dashboard_page
def posting_view(request, posting_id: int):
    page = posting_page(request.user, posting_id)
    file_format = request.GET.get("format", "")
    if file_format in ("csv", "fixed"):
        return _download(page.lines, f"journal_posting-{page.posting.pk}", file_format,
                         page.posting.mapping_version)
    return render(request, "journal/posting.html", page.context())
