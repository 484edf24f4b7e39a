"""libworkers.py - a Python binding of libworkers over its C API, with
ctypes only: nothing to compile at install time.

    from libworkers import Workspace
    with Workspace(friendly_name="Support") as ws:
        alice = ws.create_worker("Alice", {"skills": ["support"]})
        for w in ws.workers(target_workers="skills HAS 'support'"):
            print(w.friendly_name, w.activity_name)

The shared library is found through LIBWORKERS_PATH, then the build tree
(build/libworkers.so.0 beside this repository's examples/), then the
system's library path.  Every failure raises a LibworkersError subclass
named after the result code, carrying the library's message.
"""
import ctypes
import ctypes.util
import datetime
import json
import os

__all__ = [
    "Workspace", "Worker", "Activity", "TaskQueue", "Page",
    "LibworkersError", "InvalidError", "ParseError", "NotFoundError",
    "DuplicateError", "InProgressError", "LimitError", "InUseError",
    "PendingError", "PreconditionError", "OutOfMemoryError", "AuthError",
    "MethodError", "TooLargeError", "version",
]

# ---- the shared library -------------------------------------------------


def _load():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("LIBWORKERS_PATH"),
                  os.path.join(here, "..", "..", "build", "libworkers.so.0"),
                  ctypes.util.find_library("workers")]
    for path in candidates:
        if path and (os.path.exists(path) or "/" not in path):
            return ctypes.CDLL(path)
    raise OSError("libworkers not found: build it with `make` or set "
                  "LIBWORKERS_PATH")


_lib = _load()
_P = ctypes.c_void_p
_S = ctypes.c_char_p
_N = ctypes.c_size_t
_R = ctypes.c_int32
_I64 = ctypes.c_int64
_B = ctypes.c_bool


class _Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int32), ("reserved", ctypes.c_int32),
                ("offset", ctypes.c_int64), ("message", ctypes.c_char * 256)]


_E = ctypes.POINTER(_Error)
_PP = ctypes.POINTER(ctypes.c_void_p)
_CLOCK = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p)

# name: (result type, argument types)
_SIGNATURES = {
    "lw_version": (_S, []),
    "lw_result_name": (_S, [_R]),
    "lw_strerror": (_S, [_R]),
    "lw_result_http_status": (ctypes.c_int32, [_R]),
    "lw_result_twilio_code": (ctypes.c_int32, [_R]),
    "lw_free": (None, [_P, _P]),
    "lw_workspace_options_create": (_R, [_P, _PP]),
    "lw_workspace_options_free": (None, [_P]),
    "lw_workspace_options_set_account_sid": (_R, [_P, _S, _N]),
    "lw_workspace_options_set_workspace_sid": (_R, [_P, _S, _N]),
    "lw_workspace_options_set_friendly_name": (_R, [_P, _S, _N]),
    "lw_workspace_options_set_worker_cap": (_R, [_P, ctypes.c_uint32]),
    "lw_workspace_options_set_base_url": (_R, [_P, _S, _N]),
    "lw_workspace_options_set_clock": (_R, [_P, _CLOCK, _P]),
    "lw_workspace_create": (_R, [_P, _PP, _E]),
    "lw_workspace_import": (_R, [_P, _S, _N, _PP, _E]),
    "lw_workspace_export": (_R, [_P, _PP, ctypes.POINTER(_N), _E]),
    "lw_workspace_free": (None, [_P]),
    "lw_workspace_sid": (_S, [_P]),
    "lw_workspace_account_sid": (_S, [_P]),
    "lw_workspace_allocator": (_P, [_P]),
    "lw_workspace_worker_count": (ctypes.c_uint32, [_P]),
    "lw_activity_create": (_R, [_P, _S, _N, _B, _PP, _E]),
    "lw_activity_list": (_R, [_P, _P, _PP, _E]),
    "lw_activity_release": (None, [_P]),
    "lw_activity_retain": (_P, [_P]),
    "lw_activity_sid": (_S, [_P]),
    "lw_activity_friendly_name": (_S, [_P]),
    "lw_activity_available": (_B, [_P]),
    "lw_task_queue_create": (_R, [_P, _S, _N, _S, _N, _PP, _E]),
    "lw_task_queue_release": (None, [_P]),
    "lw_task_queue_sid": (_S, [_P]),
    "lw_task_queue_friendly_name": (_S, [_P]),
    "lw_task_queue_target_workers": (_S, [_P, _P]),
    "lw_worker_create": (_R, [_P, _S, _N, _S, _N, _S, _N, _PP, _E]),
    "lw_worker_fetch": (_R, [_P, _S, _N, _PP, _E]),
    "lw_worker_update": (_R, [_P, _S, _N, _P, _PP, _E]),
    "lw_worker_delete": (_R, [_P, _S, _N, _I64, _E]),
    "lw_worker_set_pending_reservations": (_R, [_P, _S, _N,
                                                ctypes.c_uint32, _E]),
    "lw_worker_changes_create": (_R, [_P, _PP]),
    "lw_worker_changes_free": (None, [_P]),
    "lw_worker_changes_set_friendly_name": (_R, [_P, _S, _N]),
    "lw_worker_changes_set_attributes": (_R, [_P, _S, _N]),
    "lw_worker_changes_set_activity_sid": (_R, [_P, _S, _N]),
    "lw_worker_changes_set_reject_pending": (_R, [_P, _B]),
    "lw_worker_changes_set_expected_version": (_R, [_P, _I64]),
    "lw_worker_retain": (_P, [_P]),
    "lw_worker_release": (None, [_P]),
    "lw_worker_sid": (_S, [_P]),
    "lw_worker_friendly_name": (_S, [_P]),
    "lw_worker_account_sid": (_S, [_P]),
    "lw_worker_workspace_sid": (_S, [_P]),
    "lw_worker_activity_sid": (_S, [_P]),
    "lw_worker_activity_name": (_S, [_P]),
    "lw_worker_available": (_B, [_P]),
    "lw_worker_attributes": (_P, [_P, ctypes.POINTER(_N)]),
    "lw_worker_date_created": (_I64, [_P]),
    "lw_worker_date_updated": (_I64, [_P]),
    "lw_worker_date_status_changed": (_I64, [_P]),
    "lw_worker_version": (_I64, [_P]),
    "lw_worker_pending_reservations": (ctypes.c_uint32, [_P]),
    "lw_query_create": (_R, [_P, _PP]),
    "lw_query_free": (None, [_P]),
    "lw_query_set_friendly_name": (_R, [_P, _S, _N]),
    "lw_query_set_activity_sid": (_R, [_P, _S, _N]),
    "lw_query_set_activity_name": (_R, [_P, _S, _N]),
    "lw_query_set_available": (_R, [_P, _S, _N]),
    "lw_query_set_task_queue_sid": (_R, [_P, _S, _N]),
    "lw_query_set_task_queue_name": (_R, [_P, _S, _N]),
    "lw_query_set_target_workers": (_R, [_P, _S, _N]),
    "lw_query_set_ordering": (_R, [_P, ctypes.c_int32]),
    "lw_query_set_page_size": (_R, [_P, ctypes.c_uint32]),
    "lw_query_set_page_token": (_R, [_P, _S, _N]),
    "lw_worker_list": (_R, [_P, _P, _PP, _E]),
    "lw_page_free": (None, [_P]),
    "lw_page_count": (_N, [_P]),
    "lw_page_next_token": (_S, [_P]),
    "lw_page_previous_token": (_S, [_P]),
    "lw_page_worker": (_P, [_P, _N]),
    "lw_page_activity": (_P, [_P, _N]),
    "lw_symtab_create": (_R, [_P, _PP]),
    "lw_symtab_release": (None, [_P]),
    "lw_attrs_parse": (_R, [_P, _S, _N, _N, _PP, _E]),
    "lw_attrs_release": (None, [_P]),
    "lw_expr_compile": (_R, [_P, _S, _N, _PP, _E]),
    "lw_expr_free": (None, [_P]),
    "lw_expr_eval": (_B, [_P, _P]),
    "lw_expr_explain": (_R, [_P, _P, ctypes.c_int32, _PP,
                             ctypes.POINTER(_N), _E]),
    "lw_workspace_symtab": (_P, [_P]),
    "lw_workspace_allocator": (_P, [_P]),
    "lw_worker_matches": (_B, [_P, _P]),
    "lw_worker_explain": (_R, [_P, _P, ctypes.c_int32, _PP,
                               ctypes.POINTER(_N), _E]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(_lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args


def version():
    """The version of the library loaded ("0.1.0")."""
    return _lib.lw_version().decode()


# ---- errors ---------------------------------------------------------------


class LibworkersError(Exception):
    """A libworkers call failed.  code is the lw_result, name its constant
    (LW_ERR_NOT_FOUND), message the library's sentence, offset the byte
    offset in a parsed text (-1 when none), http_status and twilio_code
    what the REST mapping answers."""

    def __init__(self, code, message, offset=-1):
        super().__init__(message)
        self.code = code
        self.name = _lib.lw_result_name(code).decode()
        self.message = message
        self.offset = offset
        self.http_status = _lib.lw_result_http_status(code)
        self.twilio_code = _lib.lw_result_twilio_code(code)


class InvalidError(LibworkersError, ValueError): pass
class ParseError(LibworkersError, ValueError): pass
class NotFoundError(LibworkersError, LookupError): pass
class DuplicateError(LibworkersError): pass
class InProgressError(LibworkersError): pass
class LimitError(LibworkersError): pass
class InUseError(LibworkersError): pass
class PendingError(LibworkersError): pass
class PreconditionError(LibworkersError): pass
class OutOfMemoryError(LibworkersError, MemoryError): pass
class AuthError(LibworkersError): pass
class MethodError(LibworkersError): pass
class TooLargeError(LibworkersError, ValueError): pass


_ERRORS = {1: InvalidError, 2: ParseError, 3: NotFoundError,
           4: DuplicateError, 5: InProgressError, 6: LimitError,
           7: InUseError, 8: PendingError, 9: PreconditionError,
           10: OutOfMemoryError, 11: AuthError, 12: MethodError,
           13: TooLargeError}


def _check(rc, err=None):
    if rc == 0:
        return
    message = err.message.decode("utf-8", "replace") if err else ""
    offset = err.offset if err else -1
    raise _ERRORS.get(rc, LibworkersError)(
        rc, message or _lib.lw_strerror(rc).decode(), offset)


def _text(value):
    """(bytes, length) for a str, bytes, dict/list (as JSON) or None."""
    if value is None:
        return None, 0
    if isinstance(value, (dict, list)):
        value = json.dumps(value, separators=(",", ":"))
    if isinstance(value, str):
        value = value.encode("utf-8")
    return value, len(value)


def _str(p):
    return p.decode("utf-8") if p is not None else None


def _when(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)


def _version_arg(if_match):
    """An expected version: None (any), an int, or an If-Match text."""
    if if_match is None:
        return -1
    if isinstance(if_match, int):
        return if_match
    text = if_match.strip().strip('"')
    if text == "*" or text == "":
        return -1
    return int(text) if text.isdigit() else -2


# ---- snapshots --------------------------------------------------------------


class _Snapshot:
    """Holds one reference on a C snapshot, released with the object."""
    _release = None

    def __init__(self, handle, retain=False):
        self._h = handle
        if retain:
            type(self)._retain(handle)

    def __del__(self):
        h, self._h = getattr(self, "_h", None), None
        if h:
            type(self)._release(h)


class Worker(_Snapshot):
    """A worker as it was when read: an immutable snapshot."""
    _retain = staticmethod(_lib.lw_worker_retain)
    _release = staticmethod(_lib.lw_worker_release)

    sid = property(lambda s: _str(_lib.lw_worker_sid(s._h)))
    friendly_name = property(lambda s: _str(
        _lib.lw_worker_friendly_name(s._h)))
    account_sid = property(lambda s: _str(_lib.lw_worker_account_sid(s._h)))
    workspace_sid = property(lambda s: _str(
        _lib.lw_worker_workspace_sid(s._h)))
    activity_sid = property(lambda s: _str(_lib.lw_worker_activity_sid(s._h)))
    activity_name = property(lambda s: _str(
        _lib.lw_worker_activity_name(s._h)))
    available = property(lambda s: bool(_lib.lw_worker_available(s._h)))
    version = property(lambda s: _lib.lw_worker_version(s._h))
    pending_reservations = property(
        lambda s: _lib.lw_worker_pending_reservations(s._h))
    date_created = property(lambda s: _when(
        _lib.lw_worker_date_created(s._h)))
    date_updated = property(lambda s: _when(
        _lib.lw_worker_date_updated(s._h)))
    date_status_changed = property(lambda s: _when(
        _lib.lw_worker_date_status_changed(s._h)))

    @property
    def attributes(self):
        """The attributes text exactly as it was sent."""
        n = _N()
        p = _lib.lw_worker_attributes(self._h, ctypes.byref(n))
        return ctypes.string_at(p, n.value).decode("utf-8")

    @property
    def attributes_dict(self):
        return json.loads(self.attributes)

    def __repr__(self):
        return "<Worker %s %r v%d %s>" % (self.sid, self.friendly_name,
                                          self.version, self.activity_name)


class Activity(_Snapshot):
    _retain = staticmethod(_lib.lw_activity_retain)
    _release = staticmethod(_lib.lw_activity_release)
    sid = property(lambda s: _str(_lib.lw_activity_sid(s._h)))
    friendly_name = property(lambda s: _str(
        _lib.lw_activity_friendly_name(s._h)))
    available = property(lambda s: bool(_lib.lw_activity_available(s._h)))

    def __repr__(self):
        return "<Activity %s %r>" % (self.sid, self.friendly_name)


class TaskQueue(_Snapshot):
    _release = staticmethod(_lib.lw_task_queue_release)
    sid = property(lambda s: _str(_lib.lw_task_queue_sid(s._h)))
    friendly_name = property(lambda s: _str(
        _lib.lw_task_queue_friendly_name(s._h)))
    target_workers = property(lambda s: _str(
        _lib.lw_task_queue_target_workers(s._h, None)))


class Page:
    """One page of a worker list: its workers and the tokens around it."""

    def __init__(self, workers, next_token, previous_token):
        self.workers = workers
        self.next_token = next_token
        self.previous_token = previous_token

    def __iter__(self):
        return iter(self.workers)

    def __len__(self):
        return len(self.workers)


# ---- the workspace --------------------------------------------------------

_ORDERINGS = {None: 0, "DateStatusChanged:asc": 1,
              "DateStatusChanged:desc": 2}

_FILTERS = {
    "friendly_name": _lib.lw_query_set_friendly_name,
    "activity_sid": _lib.lw_query_set_activity_sid,
    "activity_name": _lib.lw_query_set_activity_name,
    "available": _lib.lw_query_set_available,
    "task_queue_sid": _lib.lw_query_set_task_queue_sid,
    "task_queue_name": _lib.lw_query_set_task_queue_name,
    "target_workers": _lib.lw_query_set_target_workers,
}


class Workspace:
    """A libworkers workspace: activities, task queues and workers.

    Safe to share between threads, as the C handle is.  close() (or the
    with statement) frees it; snapshots read from it stay usable."""

    def __init__(self, friendly_name=None, account_sid=None,
                 workspace_sid=None, worker_cap=None, base_url=None,
                 clock=None, _import_text=None):
        self._h = None
        opts = _P()
        _check(_lib.lw_workspace_options_create(None, ctypes.byref(opts)))
        try:
            self._clock = self._set_options(opts, friendly_name, account_sid,
                                            workspace_sid, worker_cap,
                                            base_url, clock)
            h, err = _P(), _Error()
            if _import_text is None:
                rc = _lib.lw_workspace_create(opts, ctypes.byref(h),
                                              ctypes.byref(err))
            else:
                text, n = _text(_import_text)
                rc = _lib.lw_workspace_import(opts, text, n, ctypes.byref(h),
                                              ctypes.byref(err))
            _check(rc, err)
            self._h = h
        finally:
            _lib.lw_workspace_options_free(opts)

    @staticmethod
    def _set_options(opts, name, account, workspace, cap, base, clock):
        for setter, value in (
                (_lib.lw_workspace_options_set_friendly_name, name),
                (_lib.lw_workspace_options_set_account_sid, account),
                (_lib.lw_workspace_options_set_workspace_sid, workspace),
                (_lib.lw_workspace_options_set_base_url, base)):
            if value is not None:
                _check(setter(opts, *_text(value)))
        if cap is not None:
            _check(_lib.lw_workspace_options_set_worker_cap(opts, cap))
        if clock is None:
            return None
        # clock() returns milliseconds since the epoch; the C callback
        # must outlive the workspace, so the object keeps it.
        callback = _CLOCK(lambda user: int(clock()))
        _check(_lib.lw_workspace_options_set_clock(opts, callback, None))
        return callback

    @classmethod
    def import_(cls, text, clock=None):
        """A workspace restored from export() text."""
        return cls(clock=clock, _import_text=text)

    def close(self):
        if self._h:
            _lib.lw_workspace_free(self._h)
        self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _handle(self):
        if not self._h:
            raise InvalidError(1, "the workspace is closed")
        return self._h

    @property
    def sid(self):
        return _str(_lib.lw_workspace_sid(self._handle()))

    @property
    def account_sid(self):
        return _str(_lib.lw_workspace_account_sid(self._handle()))

    def __len__(self):
        return _lib.lw_workspace_worker_count(self._handle())

    def export(self):
        """The whole workspace as JSON text (see import_())."""
        p, n, err = _P(), _N(), _Error()
        _check(_lib.lw_workspace_export(self._handle(), ctypes.byref(p),
                                        ctypes.byref(n), ctypes.byref(err)),
               err)
        try:
            return ctypes.string_at(p, n.value).decode("utf-8")
        finally:
            _lib.lw_free(_lib.lw_workspace_allocator(self._h), p)

    # -- activities and task queues

    def create_activity(self, friendly_name, available=False):
        out, err = _P(), _Error()
        name, n = _text(friendly_name)
        _check(_lib.lw_activity_create(self._handle(), name, n, available,
                                       ctypes.byref(out), ctypes.byref(err)),
               err)
        return Activity(out.value)

    def activities(self):
        """Every activity (the first 1,000), in SID order."""
        query = self._query({}, None, 1000, None)
        page, err = _P(), _Error()
        try:
            _check(_lib.lw_activity_list(self._h, query, ctypes.byref(page),
                                         ctypes.byref(err)), err)
            return [Activity(_lib.lw_page_activity(page, i), retain=True)
                    for i in range(_lib.lw_page_count(page))]
        finally:
            _lib.lw_page_free(page)
            _lib.lw_query_free(query)

    def activity(self, friendly_name):
        """The activity with this name (ASCII case ignored)."""
        for a in self.activities():
            if a.friendly_name.lower() == friendly_name.lower():
                return a
        raise NotFoundError(3, "no activity named %r" % friendly_name)

    def create_task_queue(self, friendly_name, target_workers="1==1"):
        out, err = _P(), _Error()
        _check(_lib.lw_task_queue_create(
            self._handle(), *_text(friendly_name), *_text(target_workers),
            ctypes.byref(out), ctypes.byref(err)), err)
        return TaskQueue(out.value)

    # -- workers

    def create_worker(self, friendly_name, attributes=None,
                      activity_sid=None):
        """Create a worker; attributes is a dict or JSON text."""
        out, err = _P(), _Error()
        _check(_lib.lw_worker_create(
            self._handle(), *_text(friendly_name), *_text(attributes),
            *_text(activity_sid), ctypes.byref(out), ctypes.byref(err)), err)
        return Worker(out.value)

    def fetch_worker(self, sid):
        out, err = _P(), _Error()
        _check(_lib.lw_worker_fetch(self._handle(), *_text(sid),
                                    ctypes.byref(out), ctypes.byref(err)),
               err)
        return Worker(out.value)

    def update_worker(self, sid, friendly_name=None, attributes=None,
                      activity_sid=None, reject_pending=False,
                      if_match=None):
        """Apply the given changes completely or not at all.  if_match is
        the expected version (an int, or If-Match text like '"3"')."""
        changes = _P()
        _check(_lib.lw_worker_changes_create(self._handle(),
                                             ctypes.byref(changes)))
        try:
            for setter, value in (
                    (_lib.lw_worker_changes_set_friendly_name,
                     friendly_name),
                    (_lib.lw_worker_changes_set_attributes, attributes),
                    (_lib.lw_worker_changes_set_activity_sid,
                     activity_sid)):
                if value is not None:
                    _check(setter(changes, *_text(value)))
            _check(_lib.lw_worker_changes_set_reject_pending(
                changes, bool(reject_pending)))
            _check(_lib.lw_worker_changes_set_expected_version(
                changes, _version_arg(if_match)))
            out, err = _P(), _Error()
            _check(_lib.lw_worker_update(self._h, *_text(sid), changes,
                                         ctypes.byref(out),
                                         ctypes.byref(err)), err)
            return Worker(out.value)
        finally:
            _lib.lw_worker_changes_free(changes)

    def delete_worker(self, sid, if_match=None):
        err = _Error()
        _check(_lib.lw_worker_delete(self._handle(), *_text(sid),
                                     _version_arg(if_match),
                                     ctypes.byref(err)), err)

    def set_pending_reservations(self, sid, count):
        err = _Error()
        _check(_lib.lw_worker_set_pending_reservations(
            self._handle(), *_text(sid), count, ctypes.byref(err)), err)

    # -- listing

    def _query(self, filters, ordering, page_size, token):
        query = _P()
        _check(_lib.lw_query_create(self._handle(), ctypes.byref(query)))
        try:
            for key, value in filters.items():
                if key not in _FILTERS:
                    raise TypeError("unknown filter %r" % key)
                if value is not None:
                    _check(_FILTERS[key](query, *_text(value)))
            if ordering not in _ORDERINGS:
                raise InvalidError(1, "unknown ordering %r" % ordering)
            _check(_lib.lw_query_set_ordering(query, _ORDERINGS[ordering]))
            _check(_lib.lw_query_set_page_size(query, page_size))
            _check(_lib.lw_query_set_page_token(query, *_text(token)))
        except BaseException:
            _lib.lw_query_free(query)
            raise
        return query

    def page(self, page_size=50, page_token=None, ordering=None, **filters):
        """One page of workers; filters are friendly_name, activity_sid,
        activity_name, available, task_queue_sid, task_queue_name and
        target_workers (an expression)."""
        query = self._query(filters, ordering, page_size, page_token)
        page, err = _P(), _Error()
        try:
            _check(_lib.lw_worker_list(self._h, query, ctypes.byref(page),
                                       ctypes.byref(err)), err)
            workers = [Worker(_lib.lw_page_worker(page, i), retain=True)
                       for i in range(_lib.lw_page_count(page))]
            return Page(workers, _str(_lib.lw_page_next_token(page)),
                        _str(_lib.lw_page_previous_token(page)))
        finally:
            _lib.lw_page_free(page)
            _lib.lw_query_free(query)

    def workers(self, page_size=50, ordering=None, **filters):
        """Iterate over every matching worker, a page at a time."""
        token = None
        while True:
            page = self.page(page_size, token, ordering, **filters)
            yield from page
            token = page.next_token
            if token is None:
                return

    def list_workers(self, limit=None, **kwargs):
        out = []
        for w in self.workers(**kwargs):
            if limit is not None and len(out) >= limit:
                break
            out.append(w)
        return out

    # -- expressions

    def matches(self, expression, worker):
        """Is the expression true for this worker (its attributes and its
        built-in names sid, friendly_name, activity_sid, activity_name)?"""
        return self._with_program(expression, lambda prog: bool(
            _lib.lw_worker_matches(prog, worker._h)))

    def explain(self, expression, worker, as_json=False):
        """Each comparison of the expression against the worker, with the
        values it saw, then the result: text, or a dict when as_json."""
        def run(prog):
            p, n, err = _P(), _N(), _Error()
            _check(_lib.lw_worker_explain(prog, worker._h,
                                          1 if as_json else 0,
                                          ctypes.byref(p), ctypes.byref(n),
                                          ctypes.byref(err)), err)
            try:
                text = ctypes.string_at(p, n.value).decode("utf-8")
            finally:
                _lib.lw_free(_lib.lw_workspace_allocator(self._h), p)
            return json.loads(text) if as_json else text
        return self._with_program(expression, run)

    def _with_program(self, expression, fn):
        # Compiled with the workspace's own symbol table, as lists and
        # queues compile theirs.
        prog, err = _P(), _Error()
        _check(_lib.lw_expr_compile(_lib.lw_workspace_symtab(self._h),
                                    *_text(expression), ctypes.byref(prog),
                                    ctypes.byref(err)), err)
        try:
            return fn(prog)
        finally:
            _lib.lw_expr_free(prog)
