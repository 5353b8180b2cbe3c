"""Marking a journal posted (issue 19): a later export of the same days shows only what changed
since, a mapping change after posting leaves the posted journal as it was, what is posted is what
was shown, two people posting at once post once, and a failure leaves no row."""
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import User

from journal import facts, selectors, services
from journal.exceptions import JournalChanged, NothingToPost
from journal.models import DEBIT_TYPE, PostedFact, PostedLine, Posting
from koha.models import CashRegister
from tests.factories import charge_and_pay
from tests.helpers import run_in_threads, utc
from tests.journal.conftest import ONE_DAY


def selection():
    return facts.Selection(tuple(CashRegister.objects.values_list("id", flat=True)), ONE_DAY)


def shown():
    return selectors.report(selection()).journal


def post(user=None, journal=None):
    journal = journal or shown()
    return services.post_journal(user=user, selection=selection(),
                                 seen=services.Seen(journal.digest, journal.mapping_version))


def test_after_posting_only_late_lines_and_refunds_show(day, mapped, finance):
    before = shown()
    posting = post(finance)
    assert (posting.total, posting.line_count) == (before.total_debit, len(before.lines))
    assert posting.posted_by_name == "fiona" and posting.mapping_version == before.mapping_version
    assert shown().lines == ()  # nothing left to post
    assert selectors.report(selection(), view=selectors.ALL).journal.lines == before.lines
    charge_and_pay(register=day.register, at=utc(2024, 5, 2, 17), amount="3.00",
                   patron=day.patron, manager=day.staff)  # a late line of the posted day
    late = shown()
    assert [(line.description, line.debit, line.credit) for line in late.lines] == [
        ("Takings CASH (Cash)", D("3.00"), D(0)),
        ("Income PRINT (Printing)", D(0), D("2.50")),
        ("VAT 20% (S)", D(0), D("0.50"))]
    post(finance, late)
    assert shown().lines == ()
    with pytest.raises(NothingToPost):
        post(finance, late)


def test_a_mapping_change_after_posting_does_not_alter_the_posted_journal(day, mapped, finance):
    posting = post(finance)
    posted = list(PostedLine.objects.filter(posting=posting).values_list(
        "account", "debit", "credit"))
    services.save_mapping(user=finance, kind=DEBIT_TYPE, code="PRINT", account="4999",
                          vat_rate=D("5"), vat_code="L")
    assert list(PostedLine.objects.filter(posting=posting).values_list(
        "account", "debit", "credit")) == posted
    assert "4100" in {account for account, *_ in posted}
    assert shown().lines == ()  # nothing is posted twice under the new mapping
    everything = selectors.report(selection(), view=selectors.ALL).journal
    assert "4999" in {line.account for line in everything.lines}


def test_posting_refuses_a_journal_other_than_the_one_shown(day, mapped, finance):
    seen = shown()
    charge_and_pay(register=day.register, at=utc(2024, 5, 2, 17), amount="3.00",
                   patron=day.patron, manager=day.staff)
    with pytest.raises(JournalChanged):
        post(finance, seen)
    services.save_mapping(user=finance, kind=DEBIT_TYPE, code="COPYCARD", account="4201")
    with pytest.raises(JournalChanged):
        post(finance, shown().__class__(shown().lines, (), seen.mapping_version))
    assert (Posting.objects.count(), PostedLine.objects.count(), PostedFact.objects.count()) == (
        0, 0, 0)


@pytest.mark.parametrize("step", ["Posting", "PostedLine", "PostedFact"])
def test_a_failure_at_any_step_leaves_no_row(day, mapped, finance, monkeypatch, step):
    import journal.services as module
    target = getattr(module, step)
    manager = target.objects
    method = "create" if step == "Posting" else "bulk_create"
    original = getattr(manager, method)

    def failing(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError(f"injected after {step}")

    monkeypatch.setattr(manager, method, failing)
    with pytest.raises(RuntimeError):
        post(finance)
    assert (Posting.objects.count(), PostedLine.objects.count(), PostedFact.objects.count()) == (
        0, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_two_people_posting_the_same_day_at_once_post_it_once(pay, sell, refund, koha):
    from koha.models import AccountLine
    for _ in range(3):
        pay()
    AccountLine.objects.update(date=utc(2024, 5, 2, 10))
    seen = shown()
    users = [User.objects.create_user(f"poster{i}") for i in range(4)]

    def attempt(index):
        try:
            return post(users[index], seen).pk
        except (NothingToPost, JournalChanged) as exc:
            return type(exc).__name__

    outcomes = run_in_threads(4, attempt)
    assert len([o for o in outcomes if isinstance(o, int)]) == 1
    assert Posting.objects.count() == 1
    assert shown().lines == ()


def test_mapping_changes_are_versioned_with_who_and_old_and_new(db, finance):
    first = services.save_mapping(user=finance, kind=DEBIT_TYPE, code="PRINT", account="4100")
    assert services.save_mapping(user=finance, kind=DEBIT_TYPE, code="PRINT",
                                 account="4100") is None  # no change, no version
    second = services.save_mapping(user=finance, kind=DEBIT_TYPE, code="PRINT", account="4101",
                                   vat_rate=D("20"))
    gone = services.delete_mapping(user=finance, kind=DEBIT_TYPE, code="PRINT")
    assert first.pk < second.pk < gone.pk
    assert (first.old, first.new["account"]) == (None, "4100")
    assert (second.old["account"], second.new["account"], second.new["vat_rate"]) == (
        "4100", "4101", "20")
    assert (gone.old["account"], gone.new, gone.changed_by_name) == ("4101", None, "fiona")
    settings = services.save_settings(user=finance, vat_account="2201")
    assert (settings.kind, settings.old["vat_account"], settings.new["vat_account"]) == (
        "settings", "2200", "2201")


def test_a_long_type_description_posts_whole(day, mapped, finance):
    from koha.models import DebitType
    DebitType.objects.filter(code="COPYCARD").update(description="C" * 200)  # Koha's maximum
    posting = post(finance)
    assert any(line.description.endswith("C" * 200 + ")") for line in posting.lines.all())


def test_a_cashup_of_posted_days_has_nothing_left_and_its_later_lines_show(koha, mapped, finance):
    """Postings are kept per register line: a cashup's journal and a day's see the same lines as
    posted, whichever was posted first."""
    from tests.factories import cashup
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 9), amount="2.00",
                   patron=koha.patron, manager=koha.staff)
    post(finance)
    charge_and_pay(register=koha.register, at=utc(2024, 5, 2, 11), amount="4.00",
                   patron=koha.patron, manager=koha.staff)
    done = cashup(register=koha.register, at=utc(2024, 5, 2, 18), manager=koha.staff)
    session = selectors.cashup_selection(finance, done.pk)
    shown_session = selectors.report(session).journal
    assert [(l.description, l.debit) for l in shown_session.lines if l.debit] == [
        ("Takings CASH (Cash)", D("4.00"))]
    services.post_journal(user=finance, selection=session, seen=services.Seen(
        shown_session.digest, shown_session.mapping_version))
    assert shown().lines == ()  # the day: both lines posted, one by each posting
