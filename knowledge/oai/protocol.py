"""The OAI-PMH 2.0 request rules: verbs and their arguments, dates, resumption tokens, errors."""

import datetime
import re
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

METADATA_PREFIX = "oai_dc"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TOKEN_SALT = "knowledge.oai.resumption"  # noqa: S105 (a signing namespace, not a secret)

# For each verb: (required arguments, optional arguments). A resumptionToken is exclusive.
VERBS: dict[str, tuple[set[str], set[str]]] = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OAIError(Exception):
    """One of the protocol's errors, answered as <error code="..."> with HTTP 200."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class DateBound:
    """A from/until argument: the instant it stands for, and whether it was given as a day."""

    moment: datetime.datetime
    is_day: bool


@dataclass(frozen=True)
class ListArguments:
    """A list request's arguments, and where the previous page stopped (last datestamp and id)."""

    verb: str
    set_spec: str = ""
    from_: str = ""
    until: str = ""
    after: tuple[str, int] | None = None
    cursor: int = 0

    def token(self, last_datestamp: datetime.datetime, last_id: int, cursor: int) -> str:
        data = {"v": self.verb, "s": self.set_spec, "f": self.from_, "u": self.until}
        data.update(a=[last_datestamp.isoformat(), last_id], c=cursor)
        return signing.dumps(data, salt=TOKEN_SALT, compress=True)


def read_arguments(params) -> tuple[str, dict[str, str]]:
    """The verb and its arguments from a QueryDict; OAIError when they break the protocol's rules."""
    # Characters XML cannot carry would make the answer itself unwritable: refuse them first.
    for name, values in params.lists():
        if any(NOT_XML.search(text) for text in (name, *values)):
            code = "badVerb" if name == "verb" else "badArgument"
            raise OAIError(code, _("The request contains characters that XML cannot carry."))
    verbs = params.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        if len(verbs) > 1:
            raise OAIError("badVerb", _("The verb argument is repeated."))
        if not verbs:
            raise OAIError("badVerb", _("The verb argument is missing."))
        raise OAIError("badVerb", _("“%(verb)s” is not an OAI-PMH verb.") % {"verb": verbs[0]})
    verb = verbs[0]
    required, optional = VERBS[verb]
    arguments = {}
    for name in params:
        if name == "verb":
            continue
        values = params.getlist(name)
        if name not in required | optional:
            raise OAIError(
                "badArgument", _("%(verb)s does not take the argument “%(name)s”.") % {"verb": verb, "name": name}
            )
        if len(values) > 1:
            raise OAIError("badArgument", _("The argument “%(name)s” is repeated.") % {"name": name})
        arguments[name] = values[0]
    if "resumptionToken" in arguments:
        if len(arguments) > 1:
            raise OAIError("badArgument", _("resumptionToken is an exclusive argument: send it alone with the verb."))
        return verb, arguments
    missing = sorted(required - set(arguments))
    if missing:
        raise OAIError("badArgument", _("Missing argument: %(names)s.") % {"names": ", ".join(missing)})
    return verb, arguments


def check_metadata_prefix(prefix: str) -> None:
    if prefix != METADATA_PREFIX:
        raise OAIError(
            "cannotDisseminateFormat",
            _("The metadata format “%(prefix)s” is not supported; use oai_dc.") % {"prefix": prefix},
        )


def parse_date(value: str, name: str) -> DateBound:
    """A UTC date (YYYY-MM-DD) or date and time to the second (YYYY-MM-DDThh:mm:ssZ)."""
    for pattern, is_day in (("%Y-%m-%d", True), ("%Y-%m-%dT%H:%M:%SZ", False)):
        try:
            moment = datetime.datetime.strptime(value, pattern).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        return DateBound(moment, is_day)
    raise OAIError(
        "badArgument",
        _("%(name)s must be a date (YYYY-MM-DD) or a UTC time to the second (YYYY-MM-DDThh:mm:ssZ).") % {"name": name},
    )


def date_range(from_: str, until: str) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The half-open range [start, end) of datestamps the arguments select."""
    start = parse_date(from_, "from") if from_ else None
    end = parse_date(until, "until") if until else None
    if start and end and start.is_day != end.is_day:
        raise OAIError("badArgument", _("from and until must have the same granularity."))
    if start and end and start.moment > end.moment:
        raise OAIError("badArgument", _("from must not come after until."))
    # Datestamps are shown to the second (or the day), so "until" includes its whole second (or day).
    stop = None
    if end:
        stop = end.moment + (datetime.timedelta(days=1) if end.is_day else datetime.timedelta(seconds=1))
    return (start.moment if start else None), stop


def list_arguments(verb: str, arguments: dict[str, str]) -> ListArguments:
    """ListIdentifiers/ListRecords arguments, read from the request or from its resumption token."""
    if "resumptionToken" not in arguments:
        check_metadata_prefix(arguments["metadataPrefix"])
        listed = ListArguments(verb, arguments.get("set", ""), arguments.get("from", ""), arguments.get("until", ""))
        date_range(listed.from_, listed.until)
        return listed
    try:
        data = signing.loads(arguments["resumptionToken"], salt=TOKEN_SALT)
        if data["v"] != verb:
            raise ValueError
        last_datestamp, last_id = data["a"]
        datetime.datetime.fromisoformat(last_datestamp)
        return ListArguments(verb, data["s"], data["f"], data["u"], (last_datestamp, int(last_id)), int(data["c"]))
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise OAIError("badResumptionToken", _("This resumption token is not valid.")) from None


def datestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
