"""Each app loads its own demo data; the demo command finds them without naming any."""

from types import SimpleNamespace

import pytest

from ihss.core import demo


def test_every_apps_demo_data_is_found_and_each_loads_after_the_apps_it_uses():
    order = [loader.label for loader in demo.loaders()]

    assert {"cases", "accounts", "notifications", "timesheets", "payroll"} <= set(order)
    for position, loader in enumerate(demo.loaders()):
        for needed in loader.after:
            assert needed in order[:position], f"{loader.label} loads before {needed}"


def test_loaders_that_wait_for_each_other_are_refused_with_their_names(monkeypatch):
    fakes = {
        "ihss.cases": SimpleNamespace(AFTER=("accounts",), load=lambda context: None),
        "ihss.accounts": SimpleNamespace(AFTER=("cases",), load=lambda context: None),
    }
    monkeypatch.setattr(demo, "_demo_module", lambda name: fakes.get(name))

    with pytest.raises(RuntimeError, match="accounts, cases|cases, accounts"):
        demo.loaders()


def test_a_loader_asking_for_a_record_not_loaded_is_told_which_one():
    context = demo.DemoContext()
    context.keep("county", "19", "Los Angeles")

    assert context.record("county", "19") == "Los Angeles"
    with pytest.raises(LookupError, match="No demo provider '190000001'"):
        context.record("provider", "190000001")
