"""Every line item of the Appendix C cost model, defined once.

A line item is a key, the sheet and block it sits in, the thesis' own label, a unit, a
number format and an expression over inputs and other line items (see
:mod:`xlspectrum.core.expressions`).  The engine evaluates these expressions with
numpy; the workbook generator writes the same expressions as Excel formulas.

Each rule was checked against the figures Appendix C prints for 2017-2023;
``docs/cost-model.md`` explains every block, the inferred values and the departures.
Notes cite the printed figure a rule reproduces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlspectrum.core.expressions import Expression, ExpressionError, parse

AREAS = ("urban", "suburban", "rural", "remote")
CELL_TYPES = ("macro", "micro", "pico")
SERVICES = ("voice_onnet", "voice_offnet", "data_onnet", "data_offnet", "sms_onnet", "sms_offnet")
SERVICE_LABELS = {
    "voice_onnet": "Voice On-net",
    "voice_offnet": "Voice Off-net",
    "data_onnet": "Data On-net",
    "data_offnet": "Data Off-net",
    "sms_onnet": "SMS On-net",
    "sms_offnet": "SMS Off-net",
}
SERVICE_UNITS = {"voice": "BHE", "data": "MB", "sms": "messages"}

# Number formats by kind (design.md convention 7)
COUNT = "#,##0"
COUNT_2 = "#,##0.00"
MONEY = '#,##0;[Red]-#,##0;"-"'
PERCENT = "0%"
DECIMAL = "0.000"


@dataclass(frozen=True)
class LineItem:
    key: str
    sheet: str
    block: str
    label: str
    unit: str
    formula: str
    number_format: str = COUNT
    note: str = ""
    #: a single value (written in the value column), not one per year
    scalar: bool = False
    expression: Expression = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "expression", parse(self.formula))
        if self.expression.is_condition:
            raise ExpressionError(f"{self.key}: a line item is a number, but {self.formula!r} is TRUE/FALSE in Excel, "
                                  "which MAX, MIN and comparisons treat unlike 1/0: write where(condition, 1, 0)")


_ITEMS: list[LineItem] = []


def _add(sheet: str, block: str, key: str, label: str, unit: str, formula: str,
         number_format: str = COUNT, note: str = "", scalar: bool = False) -> None:
    _ITEMS.append(LineItem(key, sheet, block, label, unit, formula, number_format, note, scalar))


# ----------------------------------------------------------------------------- Demand
S = "Demand"
B = "Subscribers (10.3.3)"
_add(S, B, "t_forecast", "Forecast year index (t + years brought forward)", "years", "t + forecast_shift_years", COUNT,
     "Demand, subscribers and revenue follow this index; 5 gives the thesis' Table 12")
_add(S, B, "market_cellular", "Cellular subscribers (total market)", "subscribers",
     "population * saturation_cellular / 100 * (1 + subscriber_growth) ** t_forecast", note="5,742,781 in 2017")
_add(S, B, "market_broadband", "Mobile broadband (total market)", "subscribers",
     "population * saturation_broadband / 100 * (1 + subscriber_growth) ** t_forecast", note="2,373,050 ... 3,180,114")
_add(S, B, "operator_cellular", "Operator cellular subscribers", "subscribers",
     "market_cellular * market_share_cellular", note="1,722,834 ... 2,308,763")
_add(S, B, "operator_broadband", "Operator mobile broadband subscribers (traffic basis)", "subscribers",
     "market_broadband * market_share_broadband", note="Flat 20 % share: the basis every printed traffic figure needs (docs/cost-model.md, Demand)")

B = "Demand forecasts (10.3.4), MB per handset data user per month"
_add(S, B, "demand_aggressive", "Based on aggressive forecast", "MB/user/month",
     "aggressive_first_year * (1 + aggressive_growth) ** t_forecast", note="1,337 ... 11,433")
_add(S, B, "demand_cisco_vni_linear", "Linear - based on Cisco VNI for 2015", "MB/user/month",
     "cisco_vni_first_year + cisco_vni_step * t_forecast", note="2,083 ... 5,527")
_add(S, B, "demand_ten_x_linear", "10 x linear", "MB/user/month",
     "ten_x_first_year + ten_x_step * t_forecast", note="20,830 ... 55,270")
_add(S, B, "demand_usage", "Demand based on usage", "MB/user/month",
     "usage_first_year * (1 + usage_growth) ** t_forecast", note="1,900 ... 4,395")
_add(S, B, "demand_selected", "Mbytes per handset data user per month (selected forecast)", "MB/user/month",
     'where(demand_forecast == "aggressive", demand_aggressive, '
     'where(demand_forecast == "cisco_vni_linear", demand_cisco_vni_linear, '
     'where(demand_forecast == "ten_x_linear", demand_ten_x_linear, demand_usage)))',
     note="Chosen by the demand forecast input")
_add(S, B, "broadband_mb", "Mbytes per broadband data user per month", "MB/user/month",
     "broadband_mb_first_year * (1 + broadband_mb_growth) ** t_forecast", note="2,500 ... 4,429")

B = "Busy hour (10.3.6), network totals before routing"
_add(S, B, "busy_hour_fraction", "Proportion of annual traffic in busy hour", "-",
     "busy_hour_share / busy_days", "0.000000000", note="0.000547945")
_add(S, B, "voice_bhe", "Voice busy-hour Erlangs", "BHE",
     "operator_cellular * mou_per_month * 12 * busy_hour_fraction / 60 * (call_length_min + non_conversation_min) / call_length_min",
     COUNT_2, note="23,789.3 in 2017 (docs/cost-model.md, Busy hour)")
_add(S, B, "cellular_data_mb", "Cellular (handset) data in busy hour incl. IP overhead", "MB",
     "(1 + ip_overhead) * operator_cellular * demand_selected * 12 * busy_hour_fraction")
_add(S, B, "broadband_data_mb", "Mobile broadband data in busy hour incl. IP overhead", "MB",
     "(1 + ip_overhead) * operator_broadband * broadband_mb * 12 * busy_hour_fraction")
_add(S, B, "sms_messages", "SMS messages in busy hour", "messages",
     "operator_cellular * sms_per_month * 12 * busy_hour_fraction", note="2,854,713 in 2017 (docs/cost-model.md, Demand)")

B = "Busy hour after routing factors (10.3.8.1), network totals"
_add(S, B, "bh_voice_onnet", "Voice On-net", "BHE", "voice_bhe * (1 - offnet_voice) * routing_onnet", note="14,274 in 2017")
_add(S, B, "bh_voice_offnet", "Voice Off-net", "BHE", "voice_bhe * offnet_voice * routing_offnet", note="16,652 in 2017")
_add(S, B, "bh_data_onnet", "Data On-net", "MB",
     "(cellular_data_mb * (1 - offnet_cellular_data) + broadband_data_mb * (1 - offnet_broadband_data)) * routing_onnet")
_add(S, B, "bh_data_offnet", "Data Off-net", "MB",
     "(cellular_data_mb * offnet_cellular_data + broadband_data_mb * offnet_broadband_data) * routing_offnet",
     note="273,020,996 in 2017 (docs/cost-model.md, Demand)")
_add(S, B, "bh_sms_onnet", "SMS On-net", "messages", "sms_messages * (1 - offnet_voice) * routing_onnet",
     note="Uses the voice off-net proportion; 1,712,828 in 2017")
_add(S, B, "bh_sms_offnet", "SMS Off-net", "messages", "sms_messages * offnet_voice * routing_offnet", note="1,998,299 in 2017")

B = "Busy-hour Mbit/s after routing factors, network totals"
_CONVERT = {"voice": "mbps_per_bhe", "data": "8 / 3600", "sms": "sms_mbps_per_message_hour"}
for service in SERVICES:
    kind = service.split("_")[0]
    _add(S, B, f"mbps_{service}", SERVICE_LABELS[service], "Mbit/s", f"bh_{service} * {_CONVERT[kind]}",
         COUNT_2 if kind == "sms" else COUNT)
_add(S, B, "total_mbps", "Total traffic (all services)", "Mbit/s", " + ".join(f"mbps_{s}" for s in SERVICES),
     note="607,084 in 2017; 2,134,895 in 2023")

# ----------------------------------------------------------------------------- Coverage
S = "Coverage"
B = "Spectrum and carrier capacity (10.3.8)"
_add(S, B, "spectral_efficiency", "Spectral efficiency", "b/s/Hz",
     "where(year <= spectral_efficiency_last_printed_year, spectral_efficiency_printed, "
     "prev(spectral_efficiency) * (1 + spectral_efficiency_growth))",
     "0.000", note="4.4 ... 6.324 printed to 2023, then grows by the input rate")
_add(S, B, "carrier_capacity_mbps", "Carrier capacity (Mb/s)", "Mbit/s",
     "spectral_efficiency * carrier_bandwidth_mhz", note="4,400 in 2017")

B = "Cell areas (10.3.8.2)"
_CELL_RADIUS = {"pico": "radius_pico_km", "micro": "radius_micro_km", "macro": "radius_macro_km",
                "macro_remote": "radius_macro_remote_km"}
_CELL_AREA_LABEL = {"pico": "Pico cell", "micro": "Micro cell", "macro": "Macro cell rural", "macro_remote": "Macro cell remote"}
for cell, radius in _CELL_RADIUS.items():
    _add(S, B, f"cell_area_{cell}", f"{_CELL_AREA_LABEL[cell]} (km2)", "km2", f"hexagon_factor * {radius} ** 2",
         "0.00", note="A = 2.6 r2; unrounded (the printed 0.13 for pico would give 769 sites, not 795)" if cell == "pico" else "")

B = "Coverage area by site type (10.3.8.2)"
for area in AREAS:
    for cell in CELL_TYPES:
        _add(S, B, f"cov_area_{area}_{cell}", f"Coverage area {area} {cell.capitalize()}", "km2",
             f"area_{area}_km2 * mix_{cell}_{area}")

B = "Number of sites (10.3.8.2)"


def _cell_area(area: str, cell: str) -> str:
    return "cell_area_macro_remote" if (area == "remote" and cell == "macro") else f"cell_area_{cell}"


for cell, label in (("macro", "eNodeB - Macrocell"), ("micro", "eNodeB - Microcell"), ("pico", "eNodeB - Picocell")):
    note = {"macro": "1,688", "micro": "Printed 1,000 is not reproduced: 17.09 is what every dependent figure needs (docs/cost-model.md, Departures)",
            "pico": "795"}[cell]
    _add(S, B, f"cov_sites_{cell}", label, "eNodeBs",
         " + ".join(f"cov_area_{area}_{cell} / {_cell_area(area, cell)}" for area in AREAS), COUNT_2, note)
_add(S, B, "cov_sites_total", "Total Coverage Sites", "eNodeBs", "cov_sites_macro + cov_sites_micro + cov_sites_pico", COUNT_2,
     "2,499")
for area in AREAS:
    _add(S, B, f"cov_sites_{area}", f"{area.capitalize()} Sites", "eNodeBs",
         " + ".join(f"cov_area_{area}_{cell} / {_cell_area(area, cell)}" for cell in CELL_TYPES), COUNT_2)
_add(S, B, "cov_sites_by_area", "Total Coverage Sites (check)", "eNodeBs", " + ".join(f"cov_sites_{a}" for a in AREAS), COUNT_2)
_add(S, B, "cov_sites_gap", "Sites by area less sites by type (check: 0)", "eNodeBs", "abs(cov_sites_by_area - cov_sites_total)",
     "0.000000", "Read by the Checks sheet")

_SITE_TYPES = (("greenfield", "Greenfields Site"), ("rooftop", "Rooftop Site"), ("inbuilding", "In-building Site"))
for site, label in _SITE_TYPES:
    _add(S, B, f"cov_{site}", label, "sites",
         f"{site}_pico * cov_sites_pico + {site}_micro * cov_sites_micro + {site}_macro * cov_sites_macro", COUNT_2,
         "All macros, remote included, split 90/10/0" if site == "greenfield" else "")
_add(S, B, "cov_shared", "Shared Site", "sites", "shared_site_proportion * cov_greenfield", COUNT_2, "997")

B = "Backhaul, last mile and hubs for coverage (10.3.8.2)"
_add(S, B, "cov_max_carrier_mbps", "Maximum Mbit/s of Carriers", "Mbit/s", "cov_sites_total * carrier_capacity_mbps",
     note="10,997,716 in 2017: one carrier per coverage site")
_add(S, B, "cov_lastmile_mw", "Last mile access MW", "links", "lastmile_mw_share * cov_sites_total", COUNT_2)
_add(S, B, "cov_lastmile_ll", "Last mile access LL", "links", "lastmile_ll_share * cov_sites_total", COUNT_2)
_add(S, B, "cov_hubs", "Total Hub sites for Coverage Network", "hubs", "roundup(cov_max_carrier_mbps / hub_capacity_mbps)",
     note="367, 400, 434 (ROUNDUP: 433.24 in 2019 becomes 434)")
_add(S, B, "cov_hub_core_links", "Number of Hub to Core Links required", "links", "backhaul_links_per_hub * cov_hubs",
     note="868 in 2019")

# ----------------------------------------------------------------------------- Capacity
S = "Capacity"
B = "Site capacity (10.3.8.3)"
_SECTOR_AREA = {"urban": "urban", "suburban": "suburban", "rural": "rural", "remote": "rural"}
for area in ("urban", "suburban", "rural"):
    for cell in CELL_TYPES:
        _add(S, B, f"site_capacity_{area}_{cell}", f"Capacity of {area} {cell}cell", "Mbit/s",
             f"sectors_{cell}_{area} * carrier_capacity_mbps", note="Sectors x carrier capacity; no utilisation factor")


def _site_capacity(area: str, cell: str) -> str:
    return f"site_capacity_{_SECTOR_AREA[area]}_{cell}"


for area in AREAS:
    B = f"{area.capitalize()} - busy hour (BHE, MB, messages) after routing"
    for service in SERVICES:
        kind = service.split("_")[0]
        _add(S, B, f"bh_{area}_{service}", SERVICE_LABELS[service], SERVICE_UNITS[kind], f"traffic_share_{area} * bh_{service}")
    B = f"{area.capitalize()} - busy hour (Mbit/s) after routing"
    for service in SERVICES:
        kind = service.split("_")[0]
        _add(S, B, f"mbps_{area}_{service}", SERVICE_LABELS[service], "Mbit/s", f"bh_{area}_{service} * {_CONVERT[kind]}",
             COUNT_2 if kind == "sms" else COUNT)

B = "Total traffic dimensioning with routing factors (10.3.8.3)"
for area in AREAS:
    _add(S, B, f"traffic_{area}", f"total traffic {area}", "Mbit/s", " + ".join(f"mbps_{area}_{s}" for s in SERVICES))
    for cell in CELL_TYPES:
        _add(S, B, f"traffic_{area}_{cell}", f"total traffic {area}-{cell}", "Mbit/s", f"traffic_{area} * mix_{cell}_{area}")

B = "Total sites required (10.3.8.3)"
for area in AREAS:
    for cell in CELL_TYPES:
        _add(S, B, f"cap_sites_{area}_{cell}", f"{area.capitalize()} {cell}cells to meet demand", "eNodeBs",
             f"traffic_{area}_{cell} / {_site_capacity(area, cell)}", COUNT_2)
    _add(S, B, f"cap_sites_{area}", f"Total Number of {area.capitalize()} Sites", "eNodeBs",
         " + ".join(f"cap_sites_{area}_{cell}" for cell in CELL_TYPES), COUNT_2)

B = "eNodeB types (10.3.8.3)"
for cell in CELL_TYPES:
    _add(S, B, f"cap_sites_{cell}", f"Total Number of {cell.capitalize()}cell Sites", "eNodeBs",
         " + ".join(f"cap_sites_{area}_{cell}" for area in AREAS), COUNT_2)
_add(S, B, "cap_enodeb_total", "Number of eNodeB Sites", "eNodeBs", " + ".join(f"cap_sites_{c}" for c in CELL_TYPES), COUNT_2,
     "59 ... 143")

B = "Site types (10.3.8.3)"
_MACRO_NON_REMOTE = "cap_sites_urban_macro + cap_sites_suburban_macro + cap_sites_rural_macro"
for site, label in _SITE_TYPES:
    _add(S, B, f"cap_{site}", f"Total Number of {label.replace(' Site', '')} Sites", "sites",
         f"{site}_pico * cap_sites_pico + {site}_micro * cap_sites_micro + {site}_macro * ({_MACRO_NON_REMOTE})"
         f" + {site}_macro_remote * cap_sites_remote_macro", COUNT_2)
_add(S, B, "cap_sites_total", "Total number of sites", "sites", "cap_greenfield + cap_rooftop + cap_inbuilding", COUNT_2,
     "55 ... 135; remote macros get 0 %")

B = "Shared sites (10.3.8.3)"
_add(S, B, "cap_shared_max", "Maximum number of shared sites", "sites", "roundup(shared_site_proportion * cap_sites_total)",
     note="ROUNDUP: 49.2 becomes 50 in 2020")
_add(S, B, "cap_shared", "Actual number of shared sites", "sites", "min(cap_greenfield, cap_shared_max)")
_add(S, B, "cap_shared_proportion", "Shared site proportion", "%", "cap_shared / cap_sites_total", PERCENT)

B = "Last mile access and hubs for capacity (10.3.8.3)"
_add(S, B, "cap_lastmile_mw", "Last mile access MW", "links", "lastmile_mw_share * cap_sites_total", COUNT_2)
_add(S, B, "cap_lastmile_ll", "Last mile access LL", "links", "lastmile_ll_share * cap_sites_total", COUNT_2)
for area in AREAS:
    _add(S, B, f"cap_hubs_{area}", f"{area.capitalize()} Hubs", "hubs", f"roundup(traffic_{area} / hub_capacity_mbps)")
_add(S, B, "cap_hubs", "Hubs needed for access dimensioning", "hubs", " + ".join(f"cap_hubs_{a}" for a in AREAS),
     note="22 ... 72")

B = "Capacity above the coverage network (network totals per eNodeB type)"
for cell in CELL_TYPES:
    _add(S, B, f"topup_{cell}", f"{cell.capitalize()}cells above coverage", "eNodeBs", f"max(0, cap_sites_{cell} - cov_sites_{cell})",
         COUNT_2, "Capacity sites beyond the coverage count of the same type (docs/cost-model.md, Capacity)")
_add(S, B, "topup_total", "Total eNodeBs above coverage", "eNodeBs", " + ".join(f"topup_{c}" for c in CELL_TYPES), COUNT_2)

# ----------------------------------------------------------------------------- Core
S = "Core"
B = "Core dimensioning on total element traffic (10.3.8.4)"
_add(S, B, "core_traffic_mbps", "Total Traffic Carried on SGW, PGW, MME, HSS, DTM", "Mbit/s", "total_mbps")
_CORE = (("sgw", "SGW"), ("pgw", "PGW"), ("mme", "MME"), ("dtm", "DTM"), ("hss", "HSS"))
for element, label in _CORE:
    _add(S, B, f"effective_capacity_{element}", f"Capacity of {label}", "Mbit/s", f"capacity_{element} * utilisation_{element}")
    _add(S, B, f"required_{element}", f"Number of {label}s required", "units",
         f"max(minimum_{element}, roundup(core_traffic_mbps / effective_capacity_{element}))",
         note="HSS on Mbit/s, not subscribers (docs/cost-model.md, Core)" if element == "hss" else "")

B = "Voice and messaging core (10.3.8.4)"
_add(S, B, "bhca", "Call attempts (BHCA)", "calls", "bh_voice_onnet * bhca_per_bhe_onnet + bh_voice_offnet * bhca_per_bhe_offnet",
     note="40,830 in 2017")
_add(S, B, "required_call_server", "Call servers needed", "units",
     "max(minimum_ims, roundup(bhca / (capacity_call_server * utilisation_call_server)))")
_add(S, B, "sbc_demand_mbps", "Mbit/s demand on SBC ports", "Mbit/s", "voice_bhe * mbps_per_bhe", note="285 in 2017")
_add(S, B, "required_sbc_hw", "SBC hardware needed", "units", "max(minimum_ims, roundup(sbc_demand_mbps / capacity_sbc_hw))")
_add(S, B, "required_sbc_sw", "SBC software needed", "units", "max(minimum_ims, roundup(sbc_demand_mbps / capacity_sbc_sw))")
_add(S, B, "tas_subscribers", "Voice Subscribers (TAS)", "subscribers", "operator_cellular * tas_subscriber_ratio",
     note="1,496 in 2017")
_add(S, B, "required_tas", "TAS needed", "units", "max(minimum_ims, roundup(tas_subscribers / capacity_tas))")
_add(S, B, "smsc_messages", "Traffic Carried on SMSC in Busy Hour", "messages", "bh_sms_onnet + bh_sms_offnet",
     note="3,711,127 in 2017")
_add(S, B, "smsc_per_second", "Average SMSs in a second", "SMS/s", "smsc_messages / 3600")
_add(S, B, "required_smsc", "Number of SMSCs required", "units",
     "max(minimum_ims, roundup(smsc_per_second / (capacity_smsc * utilisation_smsc)))")

# ----------------------------------------------------------------------------- Transmission
S = "Transmission"
B = "Last mile access (10.3.8.5)"
_add(S, B, "tx_lastmile_mw", "Last mile access MW - coverage ++ capacity", "links", "lastmile_mw_share * (cov_sites_total + topup_total)",
     COUNT_2, "429 in 2023")
_add(S, B, "tx_lastmile_ll", "Last mile access LL - coverage ++ capacity", "links", "lastmile_ll_share * (cov_sites_total + topup_total)",
     COUNT_2, "2,095 in 2023")
B = "Hub sites and high capacity backhaul (10.3.8.5)"
_add(S, B, "hubs_total", "Total Hub sites", "hubs", "max(cov_hubs, cap_hubs)", note="MAX(coverage, capacity): the coverage hubs")
_add(S, B, "hub_average_mbps", "Average traffic per Hub", "Mbit/s", "total_mbps / cap_hubs", note="27,595 in 2017")
_add(S, B, "hcb_capacity_hubs", "Number of high capacity backhaul fibre (capacity hubs)", "links", "backhaul_links_per_hub * cap_hubs",
     note="44 ... 144 as printed")
_add(S, B, "hcb_total", "High capacity backhaul links (all hubs, costed)", "links", "backhaul_links_per_hub * hubs_total",
     note="Capex uses 2 x all hubs: 36,700,000 = 734 x 50,000")

# ----------------------------------------------------------------------------- Costs
S = "Costs"
B = "Roll-out of the coverage network"
_add(S, B, "rollout_share", "Coverage roll-out in the year", "%", "rollout", PERCENT, "Inferred from capex (docs/cost-model.md, Coverage)")
_add(S, B, "rollout_cumulative", "Coverage roll-out to date", "%", "prev(rollout_cumulative) + rollout_share", PERCENT)

#: (key, label, cost input suffix, units required, annual cost change input)
ELEMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("enb_macro", "eNodeB - Macrocell", "cov_sites_macro * rollout_cumulative + topup_macro", "network_cost_change"),
    ("enb_micro", "eNodeB - Microcell", "cov_sites_micro * rollout_cumulative + topup_micro", "network_cost_change"),
    ("enb_pico", "eNodeB - Picocell", "cov_sites_pico * rollout_cumulative + topup_pico", "network_cost_change"),
    ("greenfield", "Greenfields Site",
     "cov_greenfield * rollout_cumulative + greenfield_pico * topup_pico + greenfield_micro * topup_micro + greenfield_macro * topup_macro",
     "network_cost_change"),
    ("rooftop", "Rooftop Site",
     "cov_rooftop * rollout_cumulative + rooftop_pico * topup_pico + rooftop_micro * topup_micro + rooftop_macro * topup_macro",
     "network_cost_change"),
    ("inbuilding", "In-building Site",
     "cov_inbuilding * rollout_cumulative + inbuilding_pico * topup_pico + inbuilding_micro * topup_micro + inbuilding_macro * topup_macro",
     "network_cost_change"),
    ("lastmile_mw", "Last mile access MW", "lastmile_mw_share * (cov_sites_total * rollout_cumulative + topup_total)", "network_cost_change"),
    ("lastmile_ll", "Last mile access LL", "lastmile_ll_share * (cov_sites_total * rollout_cumulative + topup_total)", "leased_line_cost_change"),
    ("hub", "Hub sites", "hubs_total", "network_cost_change"),
    ("hcb", "High capacity backhaul", "hcb_total", "network_cost_change"),
    ("mme", "MME", "required_mme", "network_cost_change"),
    ("hss", "HSS", "required_hss", "network_cost_change"),
    ("sgw", "SGW", "required_sgw", "network_cost_change"),
    ("pgw", "PGW", "required_pgw", "network_cost_change"),
    ("dtm", "DTM", "required_dtm", "network_cost_change"),
    ("call_server", "Call servers", "required_call_server", "network_cost_change"),
    ("sbc_hw", "SBC hardware", "required_sbc_hw", "network_cost_change"),
    ("sbc_sw", "SBC software", "required_sbc_sw", "network_cost_change"),
    ("tas", "TAS", "required_tas", "network_cost_change"),
    ("smsc", "SMSC", "required_smsc", "network_cost_change"),
)

B = "Installed base (units; never shrinks)"
for key, label, required, _ in ELEMENTS:
    _add(S, B, f"installed_{key}", label, "units", f"max({required}, prev(installed_{key}))", COUNT_2)
B = "New units bought"
for key, label, _, _ in ELEMENTS:
    _add(S, B, f"new_{key}", label, "units", f"installed_{key} - prev(installed_{key})", COUNT_2)
B = "Unit costs (10.3.5)"
for key, label, _, change in ELEMENTS:
    _add(S, B, f"unit_cost_{key}", label, "NZ$/unit", f"cost_{key} * (1 + {change}) ** t", MONEY)


def _block_total(block: str, prefix: str, key: str, label: str, note: str = "") -> None:
    for element, element_label, _, _ in ELEMENTS:
        formula = _ELEMENT_FORMULAS[prefix].format(e=element)
        _add(S, block, f"{prefix}_{element}", element_label, "NZ$", formula, MONEY)
    _add(S, block, key, label, "NZ$", " + ".join(f"{prefix}_{e[0]}" for e in ELEMENTS), MONEY, note)


_ELEMENT_FORMULAS = {
    "capex": "new_{e} * unit_cost_{e}",
    "replacement": 'where(replacement_rule == "units_at_current_cost", cohort_sum(new_{e}, life_{e}) * unit_cost_{e}, '
                   'where(replacement_rule == "capex_nominal", cohort_sum(capex_{e}, life_{e}), 0))',
    "depreciation": "capex_{e} / life_{e}",
    "opex": "opex_rate * capex_{e}",
}
_block_total("Capital costs (10.3.8.6)", "capex", "capex_total", "Total Capital Costs",
             "294,853,155 in 2017; shared sites are not costed")
_block_total("Replacement costs (10.3.8.6)", "replacement", "replacement_total", "Total Replacement",
             "Units bought one, two, ... lives ago, re-bought by the replacement rule input")
_block_total("Depreciation costs (10.3.8.6)", "depreciation", "depreciation_total", "Total Depreciation",
             "That year's purchases / asset life, as the sheet does (not a running balance)")
_block_total("Operational costs (10.3.8.6)", "opex", "opex_total", "Total Operating Costs", "35 % of capex")

B = "Other fixed costs (10.3.8.6)"
_FIXED = (("spectrum", "Spectrum"), ("omc", "OMC / NMC"), ("voicemail", "Voicemail System"), ("billing", "Billing System"))
for key, label in _FIXED:
    _add(S, B, f"fixed_cost_{key}", label, "NZ$", f"where(mod(t, life_{key}) == 0, fixed_{key}, 0)", MONEY,
         "Bought in the first year and again every asset life at flat cost")
_add(S, B, "fixed_total", "Total Other Fixed Costs", "NZ$", " + ".join(f"fixed_cost_{k}" for k, _ in _FIXED), MONEY)

B = "Total LTE network costs (10.3.8.6)"
_add(S, B, "indirect_total", "Indirect cost", "NZ$", "indirect_rate * (capex_total + opex_total)", MONEY,
     "35 % of capex + opex; other fixed costs excluded")
_add(S, B, "depreciation_in_total", "Depreciation counted in total cost", "NZ$",
     "where(include_depreciation_in_total, depreciation_total, 0)", MONEY)
_add(S, B, "total_cost", "Total cost", "NZ$",
     "capex_total + replacement_total + depreciation_in_total + opex_total + fixed_total + indirect_total", MONEY,
     "596,481,666 in 2017")
_add(S, B, "discount_factor", "Discount factor (t = 0 in the first year)", "-", "1 / (1 + wacc) ** t", "0.0000", "Eq. (16)")
_add(S, B, "discounted_total_cost", "Discounted total cost", "NZ$", "total_cost * discount_factor", MONEY)

# ----------------------------------------------------------------------------- Revenue
S = "Revenue"
B = "Revenue - ARPU model (section 8.4)"
_add(S, B, "discounted_subscribers", "Operator cellular subscribers, discounted", "subscribers",
     "operator_cellular * discount_factor")
_add(S, B, "arpu_calibrated", "ARPU calibrated to the revenue PV target", "NZ$/subscriber/month",
     "revenue_pv_target / (12 * total(discounted_subscribers)) * (1 + subscriber_growth) ** forecast_shift_years",
     "#,##0.0000", "Calibrated on the forecast before it is brought forward, so Table 12 keeps the same ARPU", scalar=True)
_add(S, B, "arpu_used", "ARPU used", "NZ$/subscriber/month", "where(arpu > 0, arpu, arpu_calibrated)", "#,##0.0000",
     "The ARPU input, or the calibrated value when the input is 0", scalar=True)
_add(S, B, "revenue", "Revenue", "NZ$", "operator_cellular * arpu_used * 12", MONEY, "Subscribers x ARPU x 12 months")
_add(S, B, "discounted_revenue", "Discounted revenue", "NZ$", "revenue * discount_factor", MONEY)
_add(S, B, "pv_revenue", "Present value of revenue (S)", "NZ$", "total(discounted_revenue)", MONEY, "Table 9: 1,038 M", scalar=True)

# ----------------------------------------------------------------------------- Outputs
S = "Outputs"
B = "Cost by category"
for key, label in (("capex_total", "Capital cost"), ("replacement_total", "Replacement costs"),
                   ("depreciation_in_total", "Depreciation cost (as counted in total)"),
                   ("opex_total", "Operational cost"), ("fixed_total", "Other fixed costs"), ("indirect_total", "Indirect cost"),
                   ("total_cost", "Total cost")):
    _add(S, B, f"out_{key}", label, "NZ$", key, MONEY)
B = "Present value of total cost (eq. 16, t = 0 in the first year)"
_add(S, B, "pv_total_cost", "Present value of total cost", "NZ$", "total(discounted_total_cost)", MONEY,
     "Thesis Table 10: 1,979 M (10 x Cisco VNI), 1,289 M (Cisco VNI)", scalar=True)
_add(S, B, "pv_total_cost_millions", "Present value of total cost", "NZ$ M", "pv_total_cost / 1000000", "#,##0.0", scalar=True)

#: The Appendix C line items in sheet order (the model and the workbook take them from here)
ITEMS: tuple[LineItem, ...] = tuple(_ITEMS)
BY_KEY: dict[str, LineItem] = {}
for _item in ITEMS:
    if _item.key in BY_KEY:
        raise ValueError(f"line item {_item.key!r} is defined twice")
    BY_KEY[_item.key] = _item
SHEETS: tuple[str, ...] = tuple(dict.fromkeys(item.sheet for item in ITEMS))
