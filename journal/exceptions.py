"""Why a journal write was refused; each carries the sentence shown and a machine-readable code."""


class JournalError(Exception):
    status_code = 400
    default_code = "journal_error"
    default_detail = "The journal could not be changed."

    def __init__(self, detail: str | None = None):
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class NothingToPost(JournalError):
    """Everything of these days (or this cashup) is posted already."""

    status_code = 409
    default_code = "nothing_to_post"
    default_detail = "Nothing to post: everything of this journal has been posted already."


class JournalChanged(JournalError):
    """The journal differs from the one shown when the user asked to post it (a late line, a
    refund, another posting, a mapping change): posting it would post something unseen."""

    status_code = 409
    default_code = "journal_changed"
    default_detail = ("The journal changed since it was shown (new lines, a refund, a mapping "
                      "change or another posting). Look at it again before posting.")


class InvalidMapping(JournalError):
    default_code = "invalid_mapping"
