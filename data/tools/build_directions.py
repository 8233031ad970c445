#!/usr/bin/env python3
"""Build data/standards/indicator_directions.csv: Mitra's own list of which way an indicator improves.

Standard library only. Usage (from the repository root):

    python3 data/tools/build_directions.py

Reads data/standards/iso37120_2014.csv and data/standards/u4ssc_kpis.csv (the shipped copies) and writes
data/standards/indicator_directions.csv (UTF-8, LF, header `indicator,direction,basis`), rows in the order of the
input files, ISO 37120:2014 first, then U4SSC.

The classification is Mitra's own judgement from each indicator's title; it is not taken from, and does not
claim to restate, the standards. It is the table DIRECTIONS below. An indicator gets a direction only when its
title makes the better direction unambiguous; every other indicator is listed in LEFT_OUT with the reason, and
ranks without a direction. The script stops when an indicator of the input files is in neither table, is in
both, when a table names an indicator the files do not have, or when a title differs from the one the
decision was made on (so a changed input file forces a new look at the decision).

Indicator ids are built as Mitra builds them (crates/mitra-domain/src/ids.rs, IndicatorId::new):
`<standard id>:<code with all whitespace removed>`, e.g. `u4ssc:EC:ICT:ICT:1C`.
"""

import csv
import io
import re
import sys
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent
OUT = DATA / "standards" / "indicator_directions.csv"

# (file under data/, Mitra standard id, label in the file's `standard` column)
STANDARDS = [
    ("standards/iso37120_2014.csv", "iso37120-2014", "ISO 37120:2014"),
    ("standards/u4ssc_kpis.csv", "u4ssc", "U4SSC KPIs / ITU-T Y.4903"),
]

LOWER, HIGHER = "lower", "higher"

# Short reasons, Mitra's wording.
ACCESS = "share of population with access to a service"
CONC = "pollutant concentration"
DEATHS = "rate of deaths"
CRIME = "crime rate"
RESPONSE = "response time"
ENROL = "share of school-age population enrolled"
ENERGY_PC = "energy use per capita"
WATER_PC = "water consumption per capita"
HEALTH_STAFF = "health workers per capita"
UNEMPLOYMENT = "unemployment rate"
SMART = "extent of a smart-city service"

# code as written in the input file -> (title as written, direction, basis)
DIRECTIONS = {
    "iso37120-2014": {
        "5.1": ("City's unemployment rate", LOWER, UNEMPLOYMENT),
        "5.3": ("Percentage of city population living in poverty", LOWER, "share of population in poverty"),
        "5.4": ("Percentage of persons in full-time employment", HIGHER, "employment rate"),
        "5.5": ("Youth unemployment rate", LOWER, UNEMPLOYMENT),
        "5.7": ("Number of new patents per 100 000 population per year", HIGHER, "innovation output per capita"),
        "6.1": ("Percentage of female school-aged population enrolled in schools", HIGHER, ENROL),
        "6.2": ("Percentage of students completing primary education: survival rate", HIGHER,
                "education completion rate"),
        "6.3": ("Percentage of students completing secondary education: survival rate", HIGHER,
                "education completion rate"),
        "6.4": ("Primary education student/teacher ratio", LOWER, "pupils per teacher"),
        "6.5": ("Percentage of male school-aged population enrolled in schools", HIGHER, ENROL),
        "6.6": ("Percentage of school-aged population enrolled in schools", HIGHER, ENROL),
        "6.7": ("Number of higher education degrees per 100 000 population", HIGHER,
                "educational attainment per capita"),
        "7.1": ("Total residential electrical energy use per capita (kWh/year)", LOWER, ENERGY_PC),
        "7.2": ("Percentage of city population with authorized electrical service", HIGHER, ACCESS),
        "7.3": ("Energy consumption of public buildings per year (kWh/m2)", LOWER, "energy use per floor area"),
        "7.4": ("The percentage of total energy derived from renewable sources, as a share of the city's total "
                "energy consumption", HIGHER, "renewable share of energy"),
        "7.5": ("Total electrical energy use per capita (kWh/year)", LOWER, ENERGY_PC),
        "7.6": ("Average number of electrical interruptions per customer per year", LOWER,
                "frequency of supply interruptions"),
        "7.7": ("Average length of electrical interruptions (in hours)", LOWER, "duration of supply interruptions"),
        "8.1": ("Fine particulate matter (PM2.5) concentration", LOWER, CONC),
        "8.2": ("Particulate matter (PM10) concentration", LOWER, CONC),
        "8.3": ("Greenhouse gas emissions measured in tonnes per capita", LOWER, "emissions per capita"),
        "8.4": ("NO2 (nitrogen dioxide) concentration", LOWER, CONC),
        "8.5": ("SO2 (sulphur dioxide) concentration", LOWER, CONC),
        "8.6": ("O3 (Ozone) concentration", LOWER, CONC),
        "8.7": ("Noise pollution", LOWER, "noise pollution level"),
        "8.8": ("Percentage change in number of native species", HIGHER, "change in native biodiversity"),
        "9.1": ("Debt service ratio (debt service expenditure as a percentage of a municipality's own-source "
                "revenue)", LOWER, "debt service burden"),
        "9.4": ("Tax collected as a percentage of tax billed", HIGHER, "tax collection rate"),
        "10.2": ("Number of fire related deaths per 100 000 population", LOWER, DEATHS),
        "10.3": ("Number of natural disaster related deaths per 100 000 population", LOWER, DEATHS),
        "10.5": ("Response time for emergency response services from initial call", LOWER, RESPONSE),
        "10.6": ("Response time for fire department from initial call", LOWER, RESPONSE),
        "11.1": ("Voter participation in last municipal election (as a percentage of eligible voters)", HIGHER,
                 "electoral participation"),
        "11.6": ("Number of registered voters as a percentage of the voting age population", HIGHER,
                 "electoral participation"),
        "12.1": ("Average life expectancy", HIGHER, "life expectancy"),
        "12.3": ("Number of physicians per 100 000 population", HIGHER, HEALTH_STAFF),
        "12.4": ("Under age five mortality per 1 000 live births", LOWER, DEATHS),
        "12.5": ("Number of nursing and midwifery personnel per 100 000 population", HIGHER, HEALTH_STAFF),
        "12.6": ("Number of mental health practitioners per 100 000 population", HIGHER, HEALTH_STAFF),
        "12.7": ("Suicide rate per 100 000 population", LOWER, DEATHS),
        "13.1": ("Square meters of public indoor recreation space per capita", HIGHER,
                 "public recreation space per capita"),
        "13.2": ("Square meters of public outdoor recreation space per capita", HIGHER,
                 "public recreation space per capita"),
        "14.2": ("Number of homicides per 100 000 population", LOWER, CRIME),
        "14.3": ("Crimes against property per 100 000", LOWER, CRIME),
        "14.4": ("Response time for police department from initial call", LOWER, RESPONSE),
        "14.5": ("Violent crime rate per 100 000 population", LOWER, CRIME),
        "15.1": ("Percentage of city population living in slums", LOWER, "share of population in slums"),
        "15.2": ("Number of homeless per 100 000 population", LOWER, "homelessness rate"),
        "15.3": ("Percentage of households that exist without registered legal titles", LOWER,
                 "share of households without secure tenure"),
        "16.1": ("Percentage of city population with regular solid waste collection (residential)", HIGHER, ACCESS),
        "16.3": ("Percentage of the city's solid waste that is recycled", HIGHER, "recycling rate"),
        "16.6": ("Percentage of the city's solid waste that is burned openly", LOWER,
                 "share of waste disposed of unsafely"),
        "16.7": ("Percentage of the city's solid waste that is disposed of in an open dump", LOWER,
                 "share of waste disposed of unsafely"),
        "16.9": ("Hazardous Waste Generation per capita (tonnes)", LOWER, "hazardous waste generated per capita"),
        "16.10": ("Percentage of the city's hazardous waste that is recycled", HIGHER, "recycling rate"),
        "17.1": ("Number of internet connections per 100 000 population", HIGHER, "internet connections per capita"),
        "18.1": ("Kilometres of high capacity public transport system per 100 000 population", HIGHER,
                 "public transport network per capita"),
        "18.2": ("Kilometres of light passenger public transport system per 100 000 population", HIGHER,
                 "public transport network per capita"),
        "18.3": ("Annual number of public transport trips per capita", HIGHER, "public transport use per capita"),
        "18.5": ("Percentage of commuters using a travel mode to work other than a personal vehicle", HIGHER,
                 "share of commuting not by personal vehicle"),
        "18.7": ("Kilometres of bicycle paths and lanes per 100 000 population", HIGHER,
                 "cycling infrastructure per capita"),
        "18.8": ("Transportation fatalities per 100 000 population", LOWER, DEATHS),
        "19.1": ("Green area (hectares) per 100 000 population", HIGHER, "green area per capita"),
        "19.2": ("Annual number of trees planted per 100 000 population", HIGHER, "tree planting per capita"),
        "19.3": ("Areal size of informal settlements as a percentage of city area", LOWER,
                 "share of area in informal settlements"),
        "20.1": ("Percentage of city population served by wastewater collection", HIGHER, ACCESS),
        "20.2": ("Percentage of the city's wastewater that has received no treatment", LOWER,
                 "share of wastewater left untreated"),
        "21.1": ("Percentage of city population with potable water supply service", HIGHER, ACCESS),
        "21.2": ("Percentage of city population with sustainable access to an improved water source", HIGHER,
                 ACCESS),
        "21.3": ("Percentage of population with access to improved sanitation", HIGHER, ACCESS),
        "21.4": ("Total domestic water consumption per capita (litres/day)", LOWER, WATER_PC),
        "21.5": ("Total water consumption per capita (litres/day)", LOWER, WATER_PC),
        "21.6": ("Average annual hours of water service interruption per household", LOWER,
                 "duration of supply interruptions"),
        "21.7": ("Percentage of water loss (unaccounted for water)", LOWER, "water losses"),
    },
    "u4ssc": {
        "EC: ICT: ICT: 1C": ("Household Internet Access", HIGHER, "share of households with internet access"),
        "EC: ICT: ICT: 2C": ("Fixed Broadband Subscriptions", HIGHER, "broadband penetration"),
        "EC: ICT: ICT: 3C": ("Wireless Broadband Subscriptions", HIGHER, "broadband penetration"),
        "EC: ICT: ICT: 4C": ("Wireless Broadband Coverage", HIGHER, "network coverage"),
        "EC: ICT: ICT: 5C": ("Availability of WIFI in Public Areas", HIGHER, "availability of public wifi"),
        "EC: ICT: WS: 1C": ("Smart Water Meters", HIGHER, SMART),
        "EC: ICT: WS: 2A": ("Water Supply ICT Monitoring", HIGHER, SMART),
        "EC: ICT: D: 1A": ("Drainage / Storm Water System ICT Monitoring", HIGHER, SMART),
        "EC: ICT: ES: 1C": ("Smart Electricity Meters", HIGHER, SMART),
        "EC: ICT: ES: 2A": ("Electricity Supply ICT Monitoring", HIGHER, SMART),
        "EC: ICT: ES: 3A": ("Demand Response Penetration", HIGHER, SMART),
        "EC: ICT: T: 1C": ("Dynamic Public Transport Information", HIGHER, SMART),
        "EC: ICT: T: 2C": ("Traffic Monitoring", HIGHER, SMART),
        "EC: ICT: T: 3A": ("Intersection Control", HIGHER, SMART),
        "EC: ICT: PS: 1A": ("Open Data", HIGHER, SMART),
        "EC: ICT: PS: 2A": ("e- Government", HIGHER, SMART),
        "EC: ICT: PS: 3A": ("Public Sector e-procurement", HIGHER, SMART),
        "EC: P: IN: 1C": ("R&D expenditure", HIGHER, "innovation effort"),
        "EC: P: IN: 2C": ("Patents", HIGHER, "innovation output"),
        "EC: P: EM: 1C": ("Unemployment Rate", LOWER, UNEMPLOYMENT),
        "EC: P: EM: 2C": ("Youth Unemployment Rate", LOWER, UNEMPLOYMENT),
        "EC: I: WS: 1C": ("Basic Water Supply", HIGHER, ACCESS),
        "EC: I: WS: 2C": ("Potable Water Supply", HIGHER, ACCESS),
        "EC: I: WS: 3C": ("Water Supply Loss", LOWER, "water losses"),
        "EC: I: WS: 4C": ("Wastewater Collection", HIGHER, ACCESS),
        "EC: I: WS: 5C": ("Household Sanitation", HIGHER, ACCESS),
        "EC: I: WA: 1C": ("Solid Waste Collection", HIGHER, ACCESS),
        "EC: I: ES: 1C": ("Electricity System Outage Frequency", LOWER, "frequency of supply interruptions"),
        "EC: I: ES: 2C": ("Electricity System Outage Time", LOWER, "duration of supply interruptions"),
        "EC: I: ES: 3C": ("Access to Electricity", HIGHER, ACCESS),
        "EC: I: T: 1C": ("Public Transport Network", HIGHER, "public transport network"),
        "EC: I: T: 2A": ("Public Transport Network Convenience", HIGHER, "access to public transport"),
        "EC: I: T: 3C": ("Bicycle Network", HIGHER, "cycling infrastructure"),
        "EC: I: T: 5A": ("Travel Time Index", LOWER, "traffic congestion"),
        "EC: I: B: 1A": ("Public Building Sustainability", HIGHER, "sustainability of public buildings"),
        "EC: I: B: 2A": ("Integrated Building Management Systems in Public Buildings", HIGHER, SMART),
        "EC: I: UP: 1A": ("Pedestrian infrastructure", HIGHER, "pedestrian infrastructure"),
        "EN: EN: AQ: 1C": ("Air Pollution", LOWER, CONC),
        "EN: EN: AQ: 2C": ("GHG Emissions", LOWER, "greenhouse gas emissions"),
        "EN: EN: WS: 1C": ("Drinking Water Quality", HIGHER, "drinking water quality"),
        "EN: EN: WS: 2C": ("Water Consumption", LOWER, "water consumption"),
        "EN: EN: WS: 3C": ("Freshwater Consumption", LOWER, "water consumption"),
        "EN: EN: EQ: 2A": ("Noise Exposure", LOWER, "exposure to noise"),
        "EN: EN: PSN: 1C": ("Green Areas", HIGHER, "green area"),
        "EN: EN: PSN: 2A": ("Green Area Accessibility", HIGHER, "access to green area"),
        "EN: EN: PSN: 3A": ("Protected Natural Areas", HIGHER, "protected natural area"),
        "EN: EN: PSN: 4A": ("Recreational  Facilities", HIGHER, "public recreation facilities"),
        "EN: E: E: 1C": ("Renewable Energy Consumption", HIGHER, "renewable share of energy"),
        "EN: E: E: 2C": ("Electricity Consumption", LOWER, "energy use"),
        "EN: E: E: 3C": ("Residential Thermal Energy Consumption", LOWER, "energy use"),
        "EN: E: E: 4A": ("Public Building Energy Consumption", LOWER, "energy use"),
        "SC: EH: ED: 1C": ("Student ICT Access", HIGHER, "share of students with ICT access"),
        "SC: EH: ED: 2C": ("School Enrollment", HIGHER, ENROL),
        "SC: EH: ED: 3C": ("Higher Education Degrees", HIGHER, "educational attainment"),
        "SC: EH: ED: 4C": ("Adult Literacy", HIGHER, "literacy rate"),
        "SC: EH: ED: 5A": ("Electronic Health Records", HIGHER, SMART),
        "SC: EH: H: 1C": ("Life Expectancy", HIGHER, "life expectancy"),
        "SC: EH: H: 2C": ("Maternal Mortality Rate", LOWER, DEATHS),
        "SC: EH: H: 3C": ("Physicians", HIGHER, HEALTH_STAFF),
        "SC: EH: H: 5A": ("Health Insurance/Public Health Coverage", HIGHER, "health coverage"),
        "SC: SH: HO: 1C": ("Informal Settlements", LOWER, "population in informal settlements"),
        "SC: SH: SI: 2C": ("Gini Coefficient", LOWER, "income inequality"),
        "SC: SH: SI: 3C": ("Poverty", LOWER, "share of population in poverty"),
        "SC: SH: SI: 4C": ("Voter Participation", HIGHER, "electoral participation"),
        "SC: SH: SI: 5A": ("Child Care Availability", HIGHER, "availability of child care"),
        "SC: SH: SA: 1C": ("Natural Disaster Related Deaths", LOWER, DEATHS),
        "SC: SH: SA: 2C": ("Disaster Related Economic Losses", LOWER, "economic losses"),
        "SC: SH: SA: 4A": ("Population Living in Disaster Prone Areas", LOWER, "population exposed to disaster risk"),
        "SC: SH: SA: 5A": ("Emergency Services Response Time", LOWER, RESPONSE),
        "SC: SH: SA: 8C": ("Violent Crime Rate", LOWER, CRIME),
        "SC: SH: SA: 9C": ("Traffic Fatalities", LOWER, DEATHS),
    },
}

# code as written in the input file -> why no direction is given (kept here so every indicator is accounted for)
LEFT_OUT = {
    "iso37120-2014": {
        "5.2": "composition of the property tax base; no better direction",
        "5.6": "count of businesses per capita; descriptive",
        "9.2": "budget composition; no better direction",
        "9.3": "own-source revenue share; fiscal autonomy is a policy choice",
        "10.1": "staffing level; more is not necessarily better",
        "10.4": "staffing level; more is not necessarily better",
        "11.2": "gender balance; parity, not a maximum, is the aim",
        "11.3": "gender balance; parity, not a maximum, is the aim",
        "11.4": "convictions reflect both corruption and enforcement",
        "11.5": "number of officials per capita; descriptive",
        "12.2": "hospital beds per capita; more is not necessarily better",
        "14.1": "staffing level; more is not necessarily better",
        "16.2": "collected waste mixes waste generation with collection coverage",
        "16.4": "one disposal route among several; better only than some alternatives",
        "16.5": "one disposal route among several; better only than some alternatives",
        "16.8": "unspecified disposal routes",
        "17.2": "mobile connections per capita; saturates and counts multiple subscriptions",
        "17.3": "landline connections per capita; declining technology",
        "18.4": "car ownership; read both as prosperity and as car dependence",
        "18.6": "two-wheeler ownership; read both as prosperity and as motorisation",
        "18.9": "count of destinations; descriptive",
        "19.4": "balance ratio; neither extreme is better",
        "20.3": "one treatment level among several",
        "20.4": "one treatment level among several",
        "20.5": "one treatment level among several",
    },
    "u4ssc": {
        "EC: P: IN: 3A": "share of small and medium-sized enterprises; descriptive",
        "EC: P: EM: 3A": "sector share of employment; descriptive",
        "EC: P: EM: 4A": "sector share of employment; descriptive",
        "EC: I: T: 4A": "title does not say which mode",
        "EC: I: T: 6A": "vehicle counts; direction unclear from the title",
        "EC: I: T: 7A": "vehicle counts; direction unclear from the title",
        "EC: I: T: 8A": "vehicle counts; direction unclear from the title",
        "EC: I: UP: 2A": "planning practice; descriptive",
        "EN: EN: WS: 4C": "breakdown by treatment level",
        "EN: EN: WA: 1C": "breakdown by treatment or disposal method",
        "EN: EN: EQ: 1C": "title does not say whether exposure or compliance is measured",
        "SC: EH: H: 4A": "hospital beds per capita; more is not necessarily better",
        "SC: EH: C: 1C": "spending priority; no better direction",
        "SC: EH: C: 2A": "count of cultural facilities; descriptive",
        "SC: SH: HO: 2A": "title does not say whose expenditure",
        "SC: SH: SI: 1C": "income ratio; parity, not a maximum, is the aim",
        "SC: SH: SA: 3A": "existence of plans; descriptive",
        "SC: SH: SA: 6C": "staffing level; more is not necessarily better",
        "SC: SH: SA: 7C": "staffing level; more is not necessarily better",
        "SC: SH: FS: 1A": "local food share; no better direction from the title",
    },
}

CODE_OK = re.compile(r"[A-Za-z0-9.:\-_]{1,100}")
SLUG_OK = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def fail(msg):
    print(f"build_directions: {msg}", file=sys.stderr)
    sys.exit(1)


def indicator_id(standard, raw):
    """As IndicatorId::new: the standard id, ':', the code with all whitespace removed."""
    if not SLUG_OK.fullmatch(standard):
        fail(f"'{standard}' is not a standard id")
    code = "".join(c for c in raw if not c.isspace())
    if not CODE_OK.fullmatch(code):
        fail(f"'{raw}' does not give a valid indicator code")
    return f"{standard}:{code}"


def main():
    rows = []
    counts = Counter()
    for rel, standard, label in STANDARDS:
        with open(DATA / rel, encoding="utf-8-sig", newline="") as f:
            indicators = list(csv.DictReader(f))
        decided, left_out = DIRECTIONS[standard], LEFT_OUT[standard]
        for code in decided.keys() & left_out.keys():
            fail(f"{rel}: {code} is both given a direction and left out")
        seen = set()
        for r in indicators:
            code, title = r["id"], r["title"]
            if r["standard"] != label:
                fail(f"{rel}: {code}: standard '{r['standard']}', expected '{label}'")
            iid = indicator_id(standard, code)
            if iid in seen:
                fail(f"{rel}: {iid} appears twice")
            seen.add(iid)
            if code in decided:
                want_title, direction, basis = decided[code]
                if title != want_title:
                    fail(f"{rel}: {code}: title '{title}', the decision was made on '{want_title}'")
                if direction not in (LOWER, HIGHER) or not basis or "," in basis:
                    fail(f"{code}: bad direction or basis")
                rows.append((iid, direction, basis))
                counts[(standard, direction)] += 1
            elif code not in left_out:
                fail(f"{rel}: {code} '{title}' is neither given a direction nor left out; decide")
        codes = {r["id"] for r in indicators}
        for code in (decided.keys() | left_out.keys()) - codes:
            fail(f"{rel}: {code} is in a table here but not in the file")

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["indicator", "direction", "basis"])
    w.writerows(rows)
    OUT.write_bytes(buf.getvalue().encode("utf-8"))

    for _, standard, _ in STANDARDS:
        n = counts[(standard, LOWER)] + counts[(standard, HIGHER)]
        print(f"{standard}: {n} ({counts[(standard, LOWER)]} lower, {counts[(standard, HIGHER)]} higher), "
              f"{len(LEFT_OUT[standard])} left out")
    print(f"rows: {len(rows)} -> {OUT.relative_to(DATA.parent)}")


if __name__ == "__main__":
    main()
