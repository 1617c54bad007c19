#!/usr/bin/env python3
"""Drives a running RouterOS (simulator or real) with the independent PyPI
client librouteros, so the simulator is checked against someone else's
reading of the protocol, not only against our own client.

usage: librouteros_check.py HOST PORT USER PASSWORD [--legacy] [--expect-active NAME]

Exits 0 when every check passes, 1 on any mismatch, 2 when librouteros is missing.
"""

import sys

try:
    from librouteros import connect
    from librouteros.exceptions import TrapError
    from librouteros.login import plain, token
    from librouteros.query import Key
except ImportError as exc:  # the Rust test turns this into a skip notice
    print(f"librouteros not importable: {exc}", file=sys.stderr)
    sys.exit(2)

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 1
    host, port, user, password = argv[1], int(argv[2]), argv[3], argv[4]
    legacy = "--legacy" in argv
    expect_active = None
    if "--expect-active" in argv:
        expect_active = argv[argv.index("--expect-active") + 1]
    login = token if legacy else plain

    api = connect(host, user, password, port=port, timeout=10, login_method=login)
    version = tuple(api.path("system", "resource"))[0]["version"]
    check(isinstance(version, str) and len(version) > 0, f"system resource version {version!r}")

    secrets = api.path("ppp", "secret")
    name = "lr-alice"
    sid = secrets.add(name=name, password="pw-one", profile="default")
    check(isinstance(sid, str) and sid.startswith("*"), f"add returned id {sid!r}")

    found = tuple(secrets.select(Key(".id"), Key("name")).where(Key("name") == name))
    check(len(found) == 1, f"select..where finds exactly one row: {found!r}")
    check(found and found[0].get(".id") == sid, "found row has the added .id")
    check(found and set(found[0].keys()) == {".id", "name"}, ".proplist honoured")

    secrets.update(**{".id": sid, "password": "pw-two"})
    row = tuple(secrets.select(Key("password")).where(Key(".id") == sid))
    check(row and row[0].get("password") == "pw-two", f"password updated: {row!r}")

    secrets.update(**{".id": sid, "disabled": True})
    row = tuple(secrets.select(Key("disabled")).where(Key("name") == name))
    check(row and row[0].get("disabled") is True, f"disabled printed as true: {row!r}")

    tuple(secrets("enable", **{".id": sid}))
    row = tuple(secrets.select(Key("disabled")).where(Key("name") == name))
    check(row and row[0].get("disabled") is False, f"enabled again: {row!r}")

    try:
        secrets.add(name=name, password="x")
        check(False, "duplicate add raises TrapError")
    except TrapError as exc:
        check(
            exc.message == "failure: secret with the same name already exists",
            f"duplicate text {exc.message!r}",
        )

    secrets.remove(sid)
    gone = tuple(secrets.select(Key(".id")).where(Key("name") == name))
    check(gone == (), f"removed secret is gone: {gone!r}")

    if expect_active:
        active = tuple(api.path("ppp", "active"))
        names = [a.get("name") for a in active]
        check(expect_active in names, f"active sessions include {expect_active!r}: {names!r}")

    api.close()

    try:
        connect(host, user, password + "-wrong", port=port, timeout=10, login_method=login)
        check(False, "bad password raises TrapError")
    except TrapError as exc:
        want = "cannot log in" if legacy else "invalid user name or password (6)"
        check(exc.message == want, f"bad password text {exc.message!r}")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
