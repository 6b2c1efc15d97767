"""Deriving the ACR metrics from detailed records (docs/rules.md §2.3-2.8, E-2, E-4, E-5, E-9, E-10, E-23)."""

from __future__ import annotations

import pytest
from scoring_builders import make_profile, metric_result

from scoring import AcrRecords, ProfileError, Settings, score_profile

DA = "data_ai"


def row(
    customer: str,
    month: str,
    usd: float,
    service: str = "Azure SQL Database",
    offer: str = "Azure plan",
    association: str = "CSP_T1",
    **extra,
) -> dict:
    return {
        "customer": customer,
        "month": month,
        "service": service,
        "offer": offer,
        "association": association,
        "usd": usd,
        **extra,
    }


def card(rows: list[dict], settings: Settings | None = None, **kwargs):
    return score_profile(make_profile(acr_records=rows, **kwargs), settings=settings)


def ttm(customer: str, end_year: int, usd_per_month: float, **kw) -> list[dict]:
    """12 months of usage ending at September of `end_year`."""
    months = [f"{end_year - 1}-{m:02d}" for m in range(10, 13)] + [
        f"{end_year}-{m:02d}" for m in range(1, 10)
    ]
    return [row(customer, m, usd_per_month, **kw) for m in months]


def test_last_month_and_same_month_last_year_are_M_minus_1_and_M_minus_13():
    rows = [
        row("a", "2026-09", 1000),
        row("b", "2026-08", 1000),
        row("c", "2026-10", 5000),  # current: a, b
        row("x", "2025-09", 1000),
        row("y", "2025-07", 5000),
    ]  # baseline: x only (y is M-15)
    nca = metric_result(card(rows), DA, "net_customer_adds")
    assert (nca.reasons[0].current, nca.reasons[0].baseline, nca.value) == (2, 1, 1)


def test_usage_growth_compares_trailing_twelve_month_totals():
    rows = ttm("a", 2026, 1127.0) + ttm("a", 2025, 1000.0)
    growth = metric_result(card(rows), DA, "usage_growth")
    assert (growth.reasons[0].current, growth.reasons[0].baseline, growth.points) == (13_524, 12_000, 12)


def test_usage_growth_month_window_setting():
    rows = ttm("a", 2026, 1000.0) + ttm("a", 2025, 1000.0) + [row("a", "2026-09", 500.0)]
    assert metric_result(card(rows), DA, "usage_growth").points == 4  # 12,500 vs 12,000: 4.17 %
    month = metric_result(card(rows, Settings(usage_growth_window="month")), DA, "usage_growth")
    assert month.points == 20  # 1,500 vs 1,000: 50 %


def test_min_acr_applies_to_setting():
    small = [row("a", "2026-09", 5000.0), row("a", "2025-09", 400.0)]
    assert metric_result(card(small), DA, "usage_growth").points == 20
    both = metric_result(card(small, Settings(min_acr_applies_to="both")), DA, "usage_growth")
    assert both.points == 0 and both.reasons[0].code == "below_minimum_acr"


def test_zero_baseline_setting():
    rows = [row("a", "2026-09", 5000.0)]
    assert metric_result(card(rows), DA, "usage_growth").points == 0
    assert metric_result(card(rows, Settings(zero_baseline_growth="max")), DA, "usage_growth").points == 20


def test_deployments_exclude_vms_and_net_credits():
    rows = [
        row("a", "2026-05", 10, "Virtual Machines"),
        row("a", "2026-05", 10, "Virtual Machines Licenses"),
        row("a", "2026-05", 10, "Storage"),
        row("b", "2026-06", 10, "Storage"),
        row("a", "2026-05", 10, "Azure Functions"),
        row("a", "2026-06", -10, "Azure Functions"),
        row("a", "2025-09", 10, "Key Vault"),
    ]  # outside the TTM
    dep = metric_result(card(rows), DA, "deployments")
    assert dep.reasons[0].services == ["Storage"]
    assert dep.reasons[0].excluded == ["Virtual Machines", "Virtual Machines Licenses"]
    gross = metric_result(card(rows, Settings(deployment_net_of_credits=False)), DA, "deployments")
    assert gross.reasons[0].services == ["Azure Functions", "Storage"]


def test_a_service_spelled_two_ways_is_counted_once():
    rows = [
        row("a", "2026-05", 10, "Storage"),
        row("b", "2026-06", 10, "storage "),
        row("a", "2026-05", 10, "Azure  SQL Database"),
        row("b", "2026-06", 10, "azure sql database"),
        row("a", "2026-05", 10, "virtual  machines"),
    ]
    for chosen in (None, Settings(deployment_net_of_credits=False)):
        dep = metric_result(card(rows, chosen), DA, "deployments")
        assert (dep.points, dep.reasons[0].services) == (4, ["Azure  SQL Database", "Storage"])
        assert dep.reasons[0].excluded == ["virtual  machines"]
    credited = [row("a", "2026-05", 10, "Storage"), row("a", "2026-06", -10, "STORAGE")]
    assert metric_result(card(credited), DA, "deployments").points == 0  # E-9 nets the spellings


def test_ineligible_offers_associations_and_sovereign_clouds_are_filtered():
    rows = [
        row("a", "2026-09", 2000, offer="Support"),
        row("b", "2026-09", 2000, offer="internal"),
        row("c", "2026-09", 2000, offer="Benefit Program"),
        row("d", "2026-09", 2000, association="TPOR"),
        row("e", "2026-09", 2000, cloud="china"),
        row("f", "2026-09", 2000, association="DPOR"),
        row("g", "2026-09", 2000, association="PAL", cloud="public"),
    ]
    assert metric_result(card(rows), DA, "net_customer_adds").reasons[0].current == 2
    kept = card(rows, Settings(exclude_sovereign_clouds=False))
    assert metric_result(kept, DA, "net_customer_adds").reasons[0].current == 3


def test_a_tenant_is_counted_once_and_its_associations_are_summed():
    rows = [row("a", "2026-09", 600, association="CSP_T1"), row("a", "2026-09", 600, association="PAL")]
    assert metric_result(card(rows), DA, "net_customer_adds").reasons[0].current == 1
    apart = card(rows, Settings(combine_tenant_associations=False))
    assert metric_result(apart, DA, "net_customer_adds").reasons[0].current == 0


def test_a_tenant_id_in_two_letter_cases_is_one_customer():
    # E-10: tenant ids are GUIDs; "ABC-1" and "abc-1" are the same customer, so 600 + 600 makes it eligible.
    rows = [row("ABC-1", "2026-09", 600), row("abc-1", "2026-09", 600)]
    assert metric_result(card(rows), DA, "net_customer_adds").reasons[0].current == 1
    text = "customer,month,service,offer,association,usd\n" + "".join(
        f"{r['customer']},{r['month']},{r['service']},{r['offer']},{r['association']},{r['usd']}\n"
        for r in rows
    )
    from_csv = score_profile(make_profile(acr_records=AcrRecords.from_csv(text)))
    assert metric_result(from_csv, DA, "net_customer_adds").reasons[0].current == 1


def test_sums_are_exact_before_thresholds():
    rows = [row("a", "2026-09", 0.1)] * 3 + [row("a", "2026-09", 999.7)]
    assert metric_result(card(rows), DA, "net_customer_adds").reasons[0].current == 1


def test_credit_lines_are_allowed_and_net_the_tenant():
    rows = [row("a", "2026-09", 1500), row("a", "2026-09", -600)]
    assert metric_result(card(rows), DA, "net_customer_adds").reasons[0].current == 0


def test_csv_with_the_same_columns_gives_the_same_records():
    rows = [row("a", "2026-09", 1500.5), row("b", "2026-08", -3, association="CSP Tier 2")]
    text = "customer,month,service,offer,association,usd\n" + "".join(
        f"{r['customer']},{r['month']},{r['service']},{r['offer']},{r['association']},{r['usd']}\n"
        for r in rows
    )
    assert AcrRecords.from_csv(text) == AcrRecords.from_rows(rows)
    assert AcrRecords.from_csv(text.encode()).to_rows()[1]["association"] == "CSP_T2"


@pytest.mark.parametrize(
    ("text", "field", "needle"),
    [
        ("", "acr_records", "empty"),
        ("customer,month,service,offer,usd\n", "acr_records (CSV header)", "missing column(s) association"),
        (
            "customer,month,service,offer,association,usd,colour\n",
            "acr_records (CSV header)",
            "unknown column",
        ),
        (
            "customer,month,service,offer,association,usd\na,2026-09,S,O,CSP_T1,12,3\n",
            "acr_records[0]",
            "CSV line 2",
        ),
        (
            "customer,month,service,offer,association,usd\na,2026-09,S,O,CSP_T1,1e\n",
            "acr_records[0].usd",
            "line 2",
        ),
        (
            "customer,month,service,offer,association,usd\na,2026-09,S,O,CSP_T1,1\n,09/2026,S,O,CSP_T1,1\n",
            "acr_records[1].month",
            "CSV line 3",
        ),
        (
            "customer,month,service,offer,association,usd\na,2026-09,S,O,CSP_T1,nan\n",
            "acr_records[0].usd",
            "finite",
        ),
    ],
)
def test_csv_errors_name_the_row_the_column_and_the_line(text, field, needle):
    with pytest.raises(ProfileError) as caught:
        AcrRecords.from_csv(text)
    err = next(e for e in caught.value.errors if e.field == field)
    assert needle in err.message


def test_empty_records_score_zero_with_reasons():
    result = card([])
    for metric in result.designation(DA).metrics:
        assert metric.points == 0 and metric.reasons


def test_csv_quoted_fields_crlf_and_blank_lines_parse_like_plain_files():
    quoted = (
        'customer,month,service,offer,association,usd\r\n"t,1",2026-09,"SQL, managed",Azure plan,CSP_T1,5\r\n'
        "\r\nt2,2026-09,Storage,Azure plan,PAL,6\r\n"
    )
    rows = AcrRecords.from_csv(quoted).to_rows()
    assert [(r["customer"], r["service"], r["usd"]) for r in rows] == [
        ("t,1", "SQL, managed", 5.0),
        ("t2", "Storage", 6.0),
    ]
    plain = "customer,month,service,offer,association,usd\r\nt2,2026-09,Storage,Azure plan,PAL,6\r\n"
    assert AcrRecords.from_csv(plain).to_rows() == rows[1:]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(
    st.characters(blacklist_characters=',"\r\n', blacklist_categories=("Cs",)), min_size=1, max_size=20
).filter(str.strip)
_AMOUNT = st.one_of(
    st.integers(-(10**6), 10**6).map(float),
    st.decimals(-(10**6), 10**6, places=2, allow_nan=False, allow_infinity=False).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "customer": _TEXT,
                "month": st.sampled_from(["2025-09", "2026-08", "2026-09"]),
                "service": _TEXT,
                "offer": _TEXT,
                "association": st.sampled_from(["CSP_T1", "PAL", "DPOR", "csp tier 2", "NONE"]),
                "usd": _AMOUNT,
            }
        ),
        max_size=25,
    )
)
def test_csv_read_by_arrow_equals_json_rows(rows):
    text = "customer,month,service,offer,association,usd\n" + "".join(
        f"{r['customer']},{r['month']},{r['service']},{r['offer']},{r['association']},{r['usd']!r}\n"
        for r in rows
    )
    assert AcrRecords.from_csv(text).to_rows() == AcrRecords.from_rows(rows).to_rows()


def test_arrow_reads_a_large_file_like_the_csv_module():
    rows = [
        row(
            f"tenant-{i % 997}",
            f"2026-0{1 + i % 9}",
            1 + i % 7 - 3.25,
            service=f"svc {i % 13}",
            association=("CSP_T1", "PAL", "DPOR")[i % 3],
        )
        for i in range(100_000)
    ]
    text = "customer,month,service,offer,association,usd\n" + "".join(
        f"{r['customer']},{r['month']},{r['service']},{r['offer']},{r['association']},{r['usd']}\n"
        for r in rows
    )
    read = AcrRecords.from_csv(text)
    assert read.to_rows() == AcrRecords.from_rows(rows).to_rows()
    assert read.customer.__class__.__name__ == "_ArrowTenants"  # Arrow read it (no per-row path)


def test_json_rows_code_each_text_column_in_first_seen_order():
    rows = [
        row("a", "2026-09", 1, service="S2", offer="O1", association="PAL"),
        row("b", "2026-08", 2, service="S1", offer="O1", association="CSP Tier 1"),
        row("c", "2026-09", 3, service="S2", offer="O2", association="CSP_T1"),
    ]
    read = AcrRecords.from_rows(rows)
    assert (read.services, read.service.tolist()) == (["S2", "S1"], [0, 1, 0])
    assert (read.offers, read.offer.tolist()) == (["O1", "O2"], [0, 0, 1])
    assert (read.associations, read.association.tolist()) == (["PAL", "CSP_T1"], [0, 1, 1])
    assert read.month.tolist() == [2026 * 12 + 8, 2026 * 12 + 7, 2026 * 12 + 8]


@pytest.mark.parametrize("column", ["month", "service", "offer", "association"])
def test_a_json_row_value_that_is_a_list_is_not_text(column):
    rows = [row("a", "2026-09", 1), {**row("b", "2026-09", 2), column: ["x"]}]
    with pytest.raises(ProfileError) as caught:
        AcrRecords.from_rows(rows)
    errors = [(e.field, e.message) for e in caught.value.errors]
    assert errors == [(f"acr_records[1].{column}", "must be text")]
