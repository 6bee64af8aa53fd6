"""Use cases: what the command line (and any Python caller, and the demo) does with the library.

One module per noun. A write use case (``store.write_use_case``) opens the database, takes the
writers' lock, calls the domain, appends the audit entry with its change record and digest, and
commits — so no caller can forget the audit. A read use case opens a read transaction and returns
(or, for big tables, yields while the transaction is open) what the domain computed.

    from creditcli.actions import Store, tasks
    store = Store("bureau.db")
    tasks.draw(store, "2026-SJ-001", seed="20261127084730265918")
"""

from creditcli.actions.store import WRITE_USE_CASES, Store, Unit, write_use_case

__all__ = ["WRITE_USE_CASES", "Store", "Unit", "write_use_case"]
