#!/usr/bin/env python3
"""Generate samples/crawl/: a small synthetic news crawl that shows every outcome of `dedup build`.

Everything in it is invented by this script: eight fictional news sites on `.example` domains,
about sixty stories written from templates and word lists below, wire copies of those stories
republished with edits, exact re-crawls, URL variants, hard negatives and a handful of broken
records. Real news agency names appear only as dateline tokens and in the wire credit lines.

    python scripts/make_sample.py            # (re)write samples/crawl/ and samples/labels/
    python scripts/make_sample.py --check    # regenerate in a temp dir; exit 1 if it differs
    python scripts/make_sample.py --out DIR  # write DIR/crawl/ and DIR/labels/ instead

The output is deterministic: fixed seed, fixed timestamps, UUIDs drawn from the seeded generator,
gzip members with mtime=0 and no file name. Standard library only.

Layout written under the output folder (default: samples/):

    crawl/sample-00000.warc.gz     WARC/1.1, one gzip member per record (warcinfo first)
    crawl/sample-00001.warc.gz
    crawl/sample-extra.jsonl.gz    {"id", "url", "fetched_at", "html"} lines
    labels/labels.jsonl            ground truth, one line per document the tool should see
    labels/stories.jsonl           one line per invented story

`--check` first compares bytes. If a .gz file differs only in how zlib compressed it (another zlib
build, e.g. zlib-ng, makes other but equivalent deflate streams), it compares the decompressed
members instead and the byte offsets in the labels by member index; that still passes.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import html
import io
import json
import random
import re
import shutil
import sys
import tempfile
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

SEED = 20240502
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "samples"

WARC_FILES = ("sample-00000.warc.gz", "sample-00001.warc.gz")
JSONL_FILE = "sample-extra.jsonl.gz"
GENERATED = {"crawl": (*WARC_FILES, JSONL_FILE), "labels": ("labels.jsonl", "stories.jsonl")}

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
LIC_CC = "CC-BY-4.0"
LIC_ARR = "LicenseRef-all-rights-reserved"
LIC_NONE = "NOASSERTION"

N_WIRE_STORIES = 36
N_LOCAL_STORIES = 24
N_LOCAL_JSONL_ONLY = 10
N_WIRE_COPIES_JSONL = 18
N_RECRAWL_PAGES = 14          # one of them is re-crawled twice: 15 re-crawl records
N_URL_VARIANTS = 10
N_CROSS_FORMAT = 10
COPY_COUNTS = (2, 3, 5, 6, 6, 7, 7, 8, 8, 8, 8, 8)  # sites carrying one wire story, cycled

# =================================================================================================
# Invented vocabulary
# =================================================================================================

TOWNS = [
    "Kestrelmouth", "Dunmarrow", "Saltmere", "Brackenholt", "Orrinford", "Greywater Cross",
    "Tamsbury Reach", "Quillanby", "Westerhaven", "Cobble Reach", "Farrowdale", "Mirelund",
    "Aldershaw", "Pellinore Bay", "Velmore", "Ashcombe Ferry", "Hollin Cross", "Marrowby",
    "Nettlestead", "Lowenmoor", "Carrick Sands", "Fennick", "Oxhollow", "Sunderby Vale",
]
COUNTRIES = ["Valdmark", "Calvora", "Eastmere", "Orlandia", "Tessaly", "Norvenna", "Brisca"]
RIVERS = ["Oldwater", "Brenn", "Maddle", "Sallow", "Kessing", "Tarne"]
STREETS = ["Quay Street", "Mill Lane", "Station Road", "Abbey Walk", "Ropewalk", "Chapel Hill"]
REAL_CITIES = ["LISBON", "NAIROBI", "PARIS", "OSLO", "LIMA", "MANILA", "ACCRA", "MONTREAL",
               "ATHENS", "HANOI"]
FIRST_NAMES = [
    "Ilsa", "Teodor", "Marisol", "Oren", "Bettina", "Casimir", "Yara", "Anselm", "Pernille",
    "Rufus", "Odalys", "Henrike", "Tobiah", "Maren", "Ciaran", "Liesel", "Joaquim", "Saoirse",
    "Emrys", "Noor", "Viggo", "Delphine", "Arlo", "Kalinda", "Benedek", "Ottilie", "Idris",
    "Rosamund", "Fabian", "Tamsin",
]
LAST_NAMES = [
    "Varnholt", "Brannick", "Quellmore", "Ashgrove", "Penhallow", "Torvik", "Delacombe",
    "Ostrander", "Merriweather", "Halvorsen", "Kettleby", "Rowntree", "Saltonstall", "Faircloth",
    "Ondrasek", "Vellacott", "Grimsdyke", "Lockhart", "Marchbank", "Trevelyan", "Ibarrola",
    "Nkemelu", "Castellane", "Duvenhage", "Hollister", "Pryderi", "Sandoval", "Wexley",
    "Amberley", "Thistlewood",
]
# The two people the "same people, different story" hard negatives are about.
SAME_PEOPLE = ("Ilsa Varnholt", "Teodor Brannick")

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_NEXT = ["June", "July", "September", "October", "November"]
ORDINALS = ["second", "third", "fourth", "fifth"]

GROUPS = [
    "{town} Residents' Association", "{town} Chamber of Commerce", "Coastal Fishers' Guild",
    "Union of Port Workers", "Friends of the {river} Estuary", "{country} Taxpayers' League",
    "{town} Cyclists' Forum", "{town2} Civic Society",
]
ROLES2 = [
    "a spokesperson for the {group}", "a local councillor", "an independent analyst",
    "the opposition spokesperson",
]
ORGS2 = [
    "regional planning inspectorate", "national audit office", "{country} Ministry of Infrastructure",
    "county finance committee", "{town2} Borough Council",
]

TOPICS: dict[str, dict] = {
    "port": {
        "section": "business",
        "orgs": ["{town} Harbour Board", "{town} Port Authority", "Tessaly Shipping Consortium"],
        "roles": ["chair of the harbour board", "port director", "harbour master"],
        "things": ["container terminal", "ferry pier", "deep-water berth", "grain quay"],
        "leads": [
            "The {org} on {day} approved a {money} plan to rebuild the {thing} at {town}, ending two years of argument over the future of the waterfront.",
            "Plans to expand the {thing} in {town} moved a step closer on {day} after the {org} voted {votes} in favour of the scheme.",
            "Work on the long-delayed {thing} at {town} will begin in {month_next}, the {org} said on {day}, after it secured {money} in loans.",
        ],
        "details": [
            "The {thing} handled about {num} vessels last year, roughly {pct} percent fewer than a decade ago.",
            "Under the plan, the quay wall will be raised by {small_dec} metres and the access road rebuilt to carry heavier lorries.",
            "Dredging of the approach channel is expected to take {num_small} months and will close the inner basin to leisure craft.",
            "Shipping lines have warned that without deeper water they may move their services to {town2}.",
            "The board said harbour dues for small fishing boats would be frozen until the work is finished.",
            "An environmental survey found colonies of seabirds nesting near the old breakwater, which will be left untouched.",
            "Freight volumes through {town} rose {pct2} percent in the first quarter, helped by timber exports.",
            "The {group} has asked for night-time work to be limited during the summer months.",
        ],
        "quotes": [
            "Without a working harbour this town has no future",
            "Every ship that goes to {town2} instead is money leaving our coast",
            "We will keep the fishing fleet at the heart of the harbour",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{org} approves {money} rebuild of {town} {thing}", "{town} {thing} rebuild gets green light", "Harbour chiefs back {money} plan for {town} waterfront"],
            ["{town} harbour plan clears key vote", "Port board backs {thing} expansion in {town}", "{thing} expansion in {town} wins {votes} vote"],
            ["Work on {town} {thing} to start in {month_next}", "{org} secures {money} for {thing}", "Long-delayed {town} {thing} finally gets a start date"],
        ],
    },
    "council": {
        "section": "politics",
        "orgs": ["{town} Borough Council", "{town} Town Council", "{town} District Assembly"],
        "roles": ["leader of the council", "mayor of {town}", "chair of the finance committee"],
        "things": ["library service", "bus subsidy", "road repair budget", "leisure centre"],
        "leads": [
            "Councillors in {town} approved a budget of {money} on {day} night after a meeting that ran past midnight, with cuts to the {thing} at the centre of the debate.",
            "The {org} has agreed to raise local charges by {pct_small} percent from {month_next}, the first increase in {num_small} years, to protect the {thing}.",
            "A row over the future of the {thing} dominated the {org} budget meeting on {day}, as members voted {votes} to close a shortfall of {money2}.",
        ],
        "details": [
            "The council said rising energy bills and higher wages had added {money2} to its costs this year.",
            "Opening hours at three branch libraries will be reduced from {month_next}, although none will close.",
            "Parking charges in the town centre will rise by half a crown an hour.",
            "The budget includes {money2} for repairs to the sea wall at {town2}, which was damaged in storms last winter.",
            "Members of the opposition proposed an amendment to keep the {thing} fully funded, but it was defeated.",
            "About {num} people signed a petition calling on the council to reverse the cuts.",
            "The council's reserves stand at {money2}, below the level recommended by its own auditors.",
            "Staff unions said they had not been consulted on changes to working hours.",
        ],
        "quotes": [
            "These are the hardest choices this council has faced in a decade",
            "We have protected the services people rely on most",
            "The {thing} is not a luxury, it is a lifeline",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{town} councillors pass {money} budget after late-night session", "Cuts to {thing} dominate {town} budget vote", "Late-night vote settles {town} budget"],
            ["{org} raises charges to save {thing}", "{town} charges to rise {pct_small}% from {month_next}", "First rise in local charges for {num_small} years in {town}"],
            ["Row over {thing} dominates {town} budget meeting", "{town} budget approved by {votes} vote", "{town} councillors close {money2} gap"],
        ],
    },
    "storm": {
        "section": "news",
        "orgs": ["{town} Emergency Management Office", "{country} Weather Service", "{country} Coastguard"],
        "roles": ["head of emergency planning", "duty forecaster", "coastguard commander"],
        "things": ["sea wall", "river embankment", "coastal road", "flood barrier"],
        "leads": [
            "Hundreds of homes in {town} were without power on {day} after a storm brought winds of up to {num_speed} kilometres an hour to the coast of {country}.",
            "Emergency crews evacuated {num} people from low-lying streets in {town} overnight as the {river} burst its banks after {num_small} days of heavy rain.",
            "Forecasters issued their highest warning level for the coast around {town} on {day}, saying the storm could damage the {thing} and cut off villages.",
        ],
        "details": [
            "Schools in {town} and {town2} were closed and ferry services suspended until further notice.",
            "The {thing} held, but water spilled over it in at least two places, officials said.",
            "Rainfall of {num_rain} millimetres was recorded in {num_small} hours, close to the average for a whole month.",
            "Engineers from the power company said most supplies should be restored by {day2} evening.",
            "A man in his sixties was taken to hospital after a tree fell on his car near {town2}.",
            "Insurers said it was too early to estimate the cost of the damage.",
            "The storm is the {ordinal} to hit the region this year, an unusually high number for the season.",
            "Volunteers handed out sandbags at the fire station throughout the night.",
        ],
        "quotes": [
            "Our priority is to keep people safe and out of the water",
            "We have not seen the river this high since the floods of {year_prev}",
            "Please stay away from the sea front until the warning is lifted",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["Storm leaves {town} homes without power", "{num_speed} km/h winds batter {country} coast", "Power cuts across {town} as storm hits"],
            ["Hundreds evacuated as {river} floods {town}", "Floodwater rises in {town} after days of rain", "{river} bursts its banks in {town}"],
            ["Highest storm warning issued for {town} coast", "{country} coast braces for storm damage", "Forecasters fear for {town} {thing} as storm nears"],
        ],
    },
    "rail": {
        "section": "transport",
        "orgs": ["Northern Rail Cooperative", "{country} Railways", "{town} Transit Authority"],
        "roles": ["chief executive of the railway", "transport minister", "head of operations"],
        "things": ["coastal line", "night train", "tram extension", "signalling system"],
        "leads": [
            "The {org} will restore the {thing} between {town} and {town2} from {month_next}, reversing a closure that lasted {num_small} years.",
            "Passengers faced delays of up to {num_small} hours on {day} after a fault in the {thing} halted trains across the {town} network.",
            "A {money} contract to upgrade the {thing} serving {town} was awarded on {day}, the {org} said, promising faster journeys by {year_next}.",
        ],
        "details": [
            "Journey times between the two towns are expected to fall by about {num_min} minutes.",
            "Ticket prices will rise by {pct_small} percent, less than the rate of inflation.",
            "The operator said {num_small} new trains had been ordered from a manufacturer in {town3}.",
            "Commuter groups welcomed the plan but said weekend services remained unreliable.",
            "Engineers worked overnight to replace a damaged cable near {town2} station.",
            "About {num2} passengers use the line on an average weekday, according to the operator.",
            "Replacement buses will run while the work is carried out.",
            "The {group} has long campaigned for better connections to the regional hospital.",
        ],
        "quotes": [
            "This line was built to connect communities and that is what it will do again",
            "Passengers deserve a railway that simply works",
            "We apologise to everyone whose journey was disrupted",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{thing} to reopen between {town} and {town2}", "{town} rail link back on track", "{org} brings back {thing} after {num_small} years"],
            ["Train chaos in {town} after {thing} fault", "Fault halts trains across {town} network", "Commuters stranded as {thing} fails"],
            ["{org} awards {money} contract for {thing}", "Faster trains promised for {town} by {year_next}", "{money} upgrade for {town} {thing}"],
        ],
    },
    "hospital": {
        "section": "health",
        "orgs": ["{town} General Hospital", "{town} Regional Health Trust", "{town} Medical Centre"],
        "roles": ["chief medical officer", "director of nursing", "chair of the health board"],
        "things": ["emergency department", "maternity unit", "cancer clinic", "children's ward"],
        "leads": [
            "The {org} will open a new {thing} in {month_next} after a {money} refit, its board said on {day}.",
            "Waiting times at the {thing} of the {org} have fallen to an average of {num_min} minutes, the lowest level in {num_small} years, new figures show.",
            "Nurses at the {org} voted on {day} to accept a pay offer worth {pct_small} percent, ending a dispute that had threatened the {thing}.",
        ],
        "details": [
            "The refit adds {num_small} beds and a separate entrance for ambulances.",
            "Managers said {num3} new staff had been recruited since the start of the year.",
            "Patients from {town2} and {town3} will be able to use the {thing} instead of travelling to the city.",
            "The hospital treated {num2} patients in the last month, up {pct2} percent on a year earlier.",
            "A review published in April found that old equipment had caused avoidable delays.",
            "The union said the agreement included a commitment to limit overtime.",
            "Visitors are asked to use the new car park on {street} while the work continues.",
        ],
        "quotes": [
            "This is the best news our patients have had in years",
            "Every minute saved in the {thing} matters",
            "Our staff have carried this hospital through a very hard winter",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["New {thing} to open at {org}", "{money} refit for {town} {thing}", "{org} {thing} to open in {month_next}"],
            ["Waits fall at {town} {thing}", "{thing} waits lowest in {num_small} years", "{org} cuts waiting times to {num_min} minutes"],
            ["{org} nurses accept pay offer", "Pay deal ends {town} nurses' dispute", "{town} nurses vote for {pct_small}% offer"],
        ],
    },
    "wind": {
        "section": "environment",
        "orgs": ["Saltmere Wind Partnership", "{country} Energy Agency", "{town} Community Power"],
        "roles": ["project director", "energy minister", "chair of the cooperative"],
        "things": ["offshore wind farm", "tidal turbine array", "battery storage site", "solar park"],
        "leads": [
            "Construction of a {num_mw} megawatt {thing} near {town} was approved on {day}, making it one of the largest renewable projects in {country}.",
            "The {org} said on {day} that its {thing} near {town} had produced more electricity than forecast in its first year, enough for {num2} homes.",
            "Plans for a {thing} on farmland outside {town} were rejected by planners on {day} after objections from residents and birdwatchers.",
        ],
        "details": [
            "The project is expected to cost {money} and create about {num3} jobs during construction.",
            "Cables will come ashore near {town2}, where a new substation will be built.",
            "Fishing groups have asked for compensation for lost access to the grounds during construction.",
            "The developer said it would share a portion of its revenue with local community funds.",
            "{country} aims to generate {pct} percent of its electricity from renewable sources by the end of the decade.",
            "The tallest structures will stand about {num_height} metres above the water, higher than any building in the region.",
            "An appeal against the decision can be lodged within {num_small} weeks.",
        ],
        "quotes": [
            "Clean power built here should benefit the people who live here",
            "This shows the technology works in our waters",
            "We are not against renewables, we are against this site",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{num_mw}MW {thing} approved near {town}", "Green light for {town} {thing}", "{country} approves one of its largest renewable projects"],
            ["{town} {thing} beats first-year forecasts", "{thing} near {town} powers {num2} homes", "{org} hails first year of {town} {thing}"],
            ["Planners reject {thing} near {town}", "{thing} plan splits {town}", "Residents and birdwatchers defeat {town} {thing}"],
        ],
    },
    "trade": {
        "section": "world",
        "orgs": ["Tessaly Ocean Council", "Northern Grain Compact", "{country} Trade Ministry"],
        "roles": ["trade minister of {country}", "chief negotiator", "secretary-general of the council"],
        "things": ["tariff agreement", "fishing quota deal", "grain export pact", "customs union"],
        "leads": [
            "Ministers from {num_small} countries reached a provisional {thing} in {town} on {day} after three days of talks hosted by the {org}.",
            "Talks on a new {thing} between {country} and its neighbours broke down on {day}, with negotiators blaming disagreements over farm subsidies.",
            "{country} will cut import duties on machinery by {pct_small} percent under a {thing} announced on {day} by the {org}.",
        ],
        "details": [
            "The agreement must still be ratified by national parliaments, a process that could take up to a year.",
            "Trade between the members was worth about {money} last year, according to official figures.",
            "Farm groups from {country} protested outside the conference venue throughout the talks.",
            "Negotiators agreed to meet again in {town2} in {month_next} to settle outstanding issues.",
            "The deal includes a clause allowing countries to suspend it if imports surge.",
            "Exporters of timber and dried fish are expected to benefit most.",
            "Observers said the outcome was more modest than the host government had hoped.",
        ],
        "quotes": [
            "Nobody got everything they wanted, which is usually the sign of a fair deal",
            "We will not sign anything that hurts our farmers",
            "This agreement opens doors that have been closed for decades",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{num_small} nations strike provisional {thing} in {town}", "Ministers agree {thing} after marathon talks", "Deal reached on {thing}, but ratification looms"],
            ["{country} {thing} talks collapse", "Subsidy row sinks {thing} talks", "No deal as {thing} talks break down"],
            ["{country} to cut machinery duties under new pact", "{country} trims import duties by {pct_small}%", "{org} unveils {thing}"],
        ],
    },
    "markets": {
        "section": "business",
        "orgs": ["Bank of {country}", "{country} Stock Exchange", "Halvard Grain Exchange"],
        "roles": ["governor of the central bank", "chief economist", "head of market supervision"],
        "things": ["interest rate", "bond auction", "currency", "inflation outlook"],
        "leads": [
            "The Bank of {country} left its main interest rate unchanged at {rate} percent on {day}, saying price growth was easing more slowly than expected.",
            "Shares on the {country} Stock Exchange fell {pct_dec} percent on {day}, their steepest drop in {num_small} months, after weak export figures.",
            "The {country} crown rose to its highest level in {num_small} years on {day} after the central bank signalled that borrowing costs would stay high.",
        ],
        "details": [
            "Annual inflation stood at {rate2} percent in April, above the central bank's target of two percent.",
            "Shipping and timber companies led the decline, while utilities held steady.",
            "Analysts polled before the decision had expected no change.",
            "Government bond yields rose slightly after the announcement.",
            "Exports fell {pct2} percent in the first quarter, hit by weaker demand from {country2}.",
            "The bank's next policy meeting is scheduled for {month_next}.",
            "Retail sales have been flat for most of the year, the statistics office said.",
        ],
        "quotes": [
            "We are not yet confident that the job is done",
            "Markets had priced in a more optimistic path",
            "The economy is cooling, but it is not cracking",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["Bank of {country} holds rates at {rate}%", "Central bank keeps {country} borrowing costs on hold", "{country} rates unchanged as inflation lingers"],
            ["{country} shares slide on weak exports", "{country} stocks post sharpest fall in months", "Weak exports drag {country} shares down {pct_dec}%"],
            ["{country} crown hits {num_small}-year high", "{country} currency climbs on rate signal", "Crown rallies as {country} central bank stays firm"],
        ],
    },
    "fisheries": {
        "section": "environment",
        "orgs": ["Coastal Fisheries Board", "{country} Marine Institute", "Institute for Coastal Studies"],
        "roles": ["chief scientist", "chair of the fisheries board", "spokesperson for the fleet"],
        "things": ["herring quota", "cod quota", "trawling ban", "limit on net sizes"],
        "leads": [
            "Scientists at the {org} recommended on {day} that the {catch} quota be cut by {pct} percent next season, warning that stocks off {town} were at their lowest level in a generation.",
            "Fishing crews in {town} staged a protest on {day} against a new {thing} that they say will put dozens of boats out of business.",
            "Shellfish beds along the coast near {town} reopened on {day} after tests showed that toxin levels had fallen to safe limits.",
        ],
        "details": [
            "Landings at the {town} fish market fell by {pct2} percent last year.",
            "The fleet has shrunk from {fleet_then} boats to fewer than {fleet_now} over the past two decades.",
            "Warmer water has pushed some species further north, researchers say.",
            "The government has offered {money2} in support for crews affected by the new rules.",
            "Inspectors will carry out monthly checks until the end of the year.",
            "Restaurants in {town2} said the closure had cost them much of the spring trade.",
        ],
        "quotes": [
            "The sea cannot give more than it has",
            "They are asking families who have fished here for generations to simply stop",
            "The science is clear and we ignore it at our peril",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["Scientists urge {pct}% cut to {catch} quota", "{country} weighs deep cut to {catch} quota", "{org} warns {catch} stocks at generational low"],
            ["{town} crews protest {thing}", "Fishing fleet warns of job losses over {thing}", "Boats stay in port as {town} fishers protest"],
            ["Shellfish beds off {town} reopen after tests", "{town} shellfish harvest back after toxin scare", "All clear for {town} shellfish beds"],
        ],
    },
    "research": {
        "section": "science",
        "orgs": ["University of {town}", "Institute for Coastal Studies", "{country} Academy of Sciences"],
        "roles": ["lead author of the study", "professor of marine biology", "director of the institute"],
        "things": ["seagrass meadows", "salt marshes", "honeybee colonies", "peat bogs"],
        "leads": [
            "Researchers at the {org} say {thing} along the coast of {country} store far more carbon than previously thought, in a study published on {day}.",
            "A team from the {org} has found that {thing} near {town} are shrinking by about {pct_small} percent a year, faster than models predicted.",
            "The {org} on {day} opened a {money} research station at {town} dedicated to the study of {thing}.",
        ],
        "details": [
            "The study was based on samples collected at {num} sites over {num_small} years.",
            "Its findings were published in a peer-reviewed journal and checked by independent scientists.",
            "The authors caution that more measurements are needed before firm conclusions can be drawn.",
            "Funding came from a mix of public grants and a private foundation.",
            "Students from the university will spend their summers at the station collecting data.",
            "Earlier estimates relied on satellite images that could not see below the surface.",
        ],
        "quotes": [
            "We were surprised by how large the effect was",
            "This is a place we need to understand before it changes for good",
            "Good data is the first step to good decisions",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{country} {thing} store more carbon than thought, study finds", "New study puts {thing} in the spotlight", "{org} study finds hidden carbon in {thing}"],
            ["{thing} near {town} shrinking fast, researchers warn", "Scientists sound alarm over {town} {thing}", "{town} {thing} losing {pct_small}% a year"],
            ["{money} research station opens at {town}", "{org} opens {town} research station", "New {town} station to study {thing}"],
        ],
    },
    "court": {
        "section": "news",
        "orgs": ["{town} District Court", "Supreme Court of {country}", "{town} Magistrates' Court"],
        "roles": ["presiding judge", "lead prosecutor", "lawyer for the defence"],
        "things": ["fraud case", "planning appeal", "pollution case", "contract dispute"],
        "leads": [
            "A former director of a {town} building firm was found guilty on {day} of falsifying invoices worth {money2}, ending a trial that lasted {num_small} weeks.",
            "The {org} on {day} overturned a decision to allow a quarry near {town}, ruling that the environmental assessment had been inadequate.",
            "A chemical company was fined {money2} by the {org} on {day} for releasing polluted water into the {river} over several years.",
        ],
        "details": [
            "The court heard that the invoices were for work that was never carried out.",
            "Sentencing is expected in {month_next}.",
            "Lawyers for the company said they would study the judgment before deciding whether to appeal.",
            "Residents who brought the case said they had raised money through bake sales and concerts.",
            "The judge said the firm had shown a persistent disregard for the rules.",
            "The {thing} was the largest of its kind in the region since {year_prev}.",
        ],
        "quotes": [
            "The law applies to everyone, however large",
            "We are disappointed and will consider our options",
            "This is a victory for the people who live along the river",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["Former {town} builder guilty of invoice fraud", "{town} company director convicted over fake invoices", "Verdict reached in {town} fraud trial"],
            ["Court blocks quarry near {town}", "{org} rules against {town} quarry", "Quarry plan quashed over flawed assessment"],
            ["Chemical firm fined {money2} over {river} pollution", "{river} polluter ordered to pay {money2}", "Record fine for {river} pollution"],
        ],
    },
    "festival": {
        "section": "culture",
        "orgs": ["{town} Arts Trust", "{town} Harbour Festival committee", "Friends of {town} Museum"],
        "roles": ["festival director", "artistic director", "museum curator"],
        "things": ["summer festival", "lantern parade", "folk music weekend", "food fair"],
        "leads": [
            "The {thing} returns to {town} on the first weekend of {month_next}, with organisers expecting more than {num2} visitors over three days.",
            "Organisers of the {thing} in {town} announced their programme on {day}, including {num_small} free concerts on the harbour front.",
            "The {org} said on {day} that this year's {thing} would be the last in its current form unless new sponsors are found.",
        ],
        "details": [
            "Tickets for the evening events go on sale on {day2} at the tourist office.",
            "Roads around the market square will be closed from early morning.",
            "The event was cancelled twice in recent years because of bad weather.",
            "Local schools will display artwork along the river path.",
            "Volunteers are still needed to help with stewarding and litter collection.",
            "Last year's festival raised {money_small} for local charities.",
        ],
        "quotes": [
            "It is the one weekend when the whole town comes out",
            "We want people to leave with a song in their head",
            "Without sponsors we simply cannot cover the costs",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{thing} returns to {town} in {month_next}", "{town} gets ready for its {thing}", "{num2} expected at {town} {thing}"],
            ["{town} {thing} programme unveiled", "Free concerts headline {town} {thing}", "{num_small} free shows for {town} {thing}"],
            ["{thing} in doubt without new sponsors", "{town} {thing} could be the last", "Sponsors sought to save {town} {thing}"],
        ],
    },
    "sport": {
        "section": "sport",
        "orgs": ["{town} Rovers", "{town} Athletic", "{town} Harriers"],
        "roles": ["head coach", "club captain", "club chair"],
        "things": ["cup final", "league title", "county shield", "derby"],
        "leads": [
            "{org} won the {thing} on {day}, beating {team2} {score} in front of a sell-out crowd at the harbour ground.",
            "{org} will meet {team2} in the {thing} next {day2} after a late goal sealed their semi-final on {day}.",
            "A goal in the final minute gave {org} victory over {team2} on {day}, keeping their hopes of the {thing} alive.",
        ],
        "details": [
            "It is the club's first trophy in {num_small} years.",
            "The visitors had the better of the first half but faded after the break.",
            "Around {num} supporters travelled from {town2} for the match.",
            "The club said extra trains would run for the journey home.",
            "Both teams finished with ten players after a scuffle near the touchline.",
            "The win lifts {org} to third place with {num_small} games remaining.",
        ],
        "quotes": [
            "The players gave everything and the fans carried us home",
            "We were second best today and we know it",
            "This one is for everyone who kept the club going through the hard years",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{org} win {thing} against {team2}", "{org} beat {team2} {score}", "Joy for {org} fans at {thing}"],
            ["{org} book {thing} place", "{org} to face {team2} in {thing}", "Late goal sends {org} to the {thing}"],
            ["Late goal keeps {org} hopes alive", "{org} snatch win over {team2}", "Last-minute winner for {org}"],
        ],
    },
    "housing": {
        "section": "local",
        "orgs": ["{town} Housing Association", "{town} Borough Council", "Cobble Reach Developments"],
        "roles": ["housing director", "chair of the planning committee", "managing director of the developer"],
        "things": ["affordable homes", "student flats", "retirement flats", "riverside apartments"],
        "leads": [
            "Plans for {num} {thing} on the site of the old gasworks in {town} were approved on {day}, despite objections from neighbours.",
            "Rents for {thing} in {town} have risen by {pct} percent in two years, according to a report published on {day} by the {org}.",
            "The {org} has bought {num_small} empty shops in {town} and plans to convert the upper floors into {thing}.",
        ],
        "details": [
            "A third of the homes will be offered at below market rents.",
            "Construction is due to start next spring and take about two years.",
            "Neighbours raised concerns about traffic and the loss of a popular footpath.",
            "The site has been empty since the gasworks closed in the {decade}.",
            "The average monthly rent in the town now exceeds {money_small}, the report found.",
            "Young families are increasingly moving to {town2}, where prices are lower.",
        ],
        "quotes": [
            "People who work in this town should be able to live in it",
            "We are building homes, not just blocks of flats",
            "Nobody asked us what we wanted for our street",
        ],
        "heads": [  # one list per lead, in the order of "leads"
            ["{num} {thing} approved for {town} gasworks site", "Homes plan for old gasworks wins approval", "Green light for {town} gasworks homes"],
            ["{town} rents up {pct}% in two years", "{town} housing squeeze deepens, report finds", "Rents outpace wages in {town}"],
            ["Empty {town} shops to become {thing}", "{org} buys {num_small} empty shops in {town}", "New life for empty {town} high street"],
        ],
    },
}
WIRE_TOPICS = ["trade", "markets", "storm", "rail", "wind", "research", "port", "court",
               "fisheries", "hospital"]
LOCAL_TOPICS = ["council", "festival", "sport", "housing", "hospital", "rail", "port", "storm",
                "court", "research"]

GENERIC_DETAILS = [
    "The decision followed a consultation that drew more than {num2} responses.",
    "Officials said a full report would be published before the end of {month_next}.",
    "A spokesperson for the {org} declined to comment further.",
    "The {group} said it would continue to press for changes.",
    "Critics, including members of the {group}, argue that the figures do not add up.",
    "Similar projects in {town2} and {town3} have run over budget in recent years.",
    "The issue was first raised in {year_prev} but stalled during a dispute over funding.",
    "According to figures released on {day}, the number has risen by {pct2} percent since last year.",
    "No date has yet been set for a final decision.",
    "Questions were also raised about the long-term cost of maintenance.",
    "Supporters say the plan will create about {num3} jobs over the next two years.",
    "{person} is expected to set out further details in a statement next week.",
    "Residents who attended a public meeting on {day2} were divided.",
    "It is the {ordinal} time in {num_small} years that the matter has come up for debate.",
    "The {org2} is expected to review the proposal at its next meeting.",
    "Opposition politicians called for an independent inquiry.",
    "The proposal has been revised several times since it was first published.",
    "Business owners said they were still waiting for clear guidance.",
    "{person2}, {role2}, said the details would be studied carefully.",
    "Most of the money will come from national government grants.",
]
GENERIC_QUOTES = [
    "There is still a great deal of work to do",
    "We have listened and we have changed the plan as a result",
    "Nobody should pretend this will be easy",
    "People here have waited too long for a straight answer",
    "The numbers speak for themselves",
]
QUOTE_FORMS = [
    "\u201c{quote},\u201d said {person}, {role}.",
    "\u201c{quote},\u201d {person} told reporters on {day}.",
    "{person}, {role}, said: \u201c{quote}.\u201d",
    "\u201c{quote},\u201d {person2}, {role2}, said in a statement.",
    "\u201c{quote},\u201d said {person3}, a member of the {group}.",
]
LOCAL_ANGLES = [
    "In {home}, the news was met with caution. Councillors said they would ask for a briefing on what the change could mean for local families and businesses.",
    "The decision is likely to be felt in {home} too, where about {num3} households depend on the sector. The {site} has asked the town council for its response.",
    "Closer to home, shop owners in {home} said they were watching developments closely. One said prices had already started to move.",
    "For readers in {home}: the town council says it will publish guidance on its website later this week, and a public meeting is planned for {day2}.",
]
# Word substitutions of the syndication edits (copy desks swap words and spellings).
SYNONYMS = {
    "said": "stated", "announced": "confirmed", "about": "around", "around": "about",
    "nearly": "almost", "almost": "nearly", "plan": "proposal", "proposal": "plan",
    "scheme": "project", "project": "scheme", "residents": "locals", "officials": "authorities",
    "rose": "climbed", "fell": "dropped", "began": "started", "warned": "cautioned",
    "built": "constructed", "families": "households", "firm": "company", "company": "firm",
    "shops": "stores", "meeting": "session", "organisers": "organizers", "favour": "favor",
    "programme": "program", "centre": "center", "neighbours": "neighbors",
    "kilometres": "kilometers", "metres": "meters", "cancelled": "canceled",
    "travelling": "traveling", "despite": "in spite of", "told": "informed", "lorries": "trucks",
    "percent": "per cent", "rebuilt": "reconstructed", "figures": "data", "hours": "hours",
}
SYNONYMS.pop("hours")

# =================================================================================================
# Sites and agencies
# =================================================================================================


@dataclass
class Site:
    key: str
    name: str
    host: str
    hometown: str
    licence: str                  # cc | arr | none
    footer: str
    footer_twice: bool
    tz_hours: int
    prefix: str
    url_style: str
    order: tuple[str, ...]
    nav: tuple[str, ...]
    cookie: str
    newsletter: tuple[str, str]
    most_read: str
    title_sep: str
    og_title: bool
    date_style: str
    server: str
    jsonld_licence: bool = False
    wire_weight: float = 1.0

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(hours=self.tz_hours))

    @property
    def own_licence(self) -> str:
        return {"cc": LIC_CC, "arr": LIC_ARR, "none": LIC_NONE}[self.licence]


SITES = [
    Site("hg", "Harbour Gazette", "harbourgazette.example", "Kestrelmouth", "arr",
         "\u00a9 2024 Harbour Gazette Media. All rights reserved.", True, 2, "hg",
         "/news/{y}/{m}/{d}/{slug}", ("cookie", "header", "story", "mostread", "newsletter", "footer"),
         ("Home", "News", "Harbour", "Business", "Sport", "Opinion", "Obituaries"),
         "We use cookies to keep this site working and to understand how it is used. You can change your choices at any time.",
         ("The Morning Tide", "Get the day's top stories from the harbour and beyond in your inbox at 7am, every weekday."),
         "Most read", " | ", True, "dmy", "nginx", wire_weight=1.3),
    Site("vl", "Valley Ledger", "www.valleyledger.example", "Farrowdale", "cc",
         "Except where noted, text on the Valley Ledger is published under a Creative Commons Attribution 4.0 International licence.",
         False, 2, "vl", "/{section}/{slug}-{n6}", ("header", "story", "newsletter", "mostread", "footer", "cookie"),
         ("Front page", "Valley", "Farming", "Politics", "Culture", "Letters"),
         "This website stores small files on your device. Read our privacy notice to find out more.",
         ("Ledger Weekly", "A calm round-up of the week in the valley, every Saturday morning. Free, and easy to leave."),
         "Readers are reading", " - ", False, "mdy", "Apache", jsonld_licence=True, wire_weight=0.8),
    Site("nc", "Northfield Courier", "northfieldcourier.example", "Brackenholt", "none",
         "Northfield Courier \u00b7 Independent local news for Brackenholt and the Northfield villages since 1987.",
         False, 1, "nc", "/article/{n5}/{slug}.html", ("cookie", "header", "mostread", "story", "newsletter", "footer"),
         ("News", "Villages", "Planning", "Schools", "Sport", "What's on", "Notices"),
         "Cookies help us deliver our services. By using the Courier you agree to our use of cookies.",
         ("Courier Daily", "Sign up for our free daily newsletter with the news that matters in the Northfield villages."),
         "Popular this week", " \u2013 ", True, "dmy", "nginx", wire_weight=0.9),
    Site("ct", "Coastline Times", "coastlinetimes.example", "Pellinore Bay", "arr",
         "\u00a9 2024 Coastline Times Ltd. All rights reserved.", False, 0, "ct",
         "/{section}/{y}/{m}/{slug}/", ("cookie", "header", "story", "newsletter", "mostread", "footer"),
         ("Home", "Coast", "World", "Business", "Environment", "Sport", "Travel"),
         "Coastline Times and our partners use cookies to personalise content and measure traffic.",
         ("Coastline Briefing", "The five stories you need to know about, delivered every afternoon."),
         "Trending now", " | ", True, "mdy", "cloudfront", wire_weight=1.4),
    Site("rd", "Ridgeway Daily", "www.ridgewaydaily.example", "Aldershaw", "arr",
         "\u00a9 Ridgeway Daily Publishing 2024. All rights reserved.", True, 2, "rd",
         "/stories/{slug}", ("header", "cookie", "story", "mostread", "newsletter", "footer"),
         ("Latest", "Aldershaw", "Region", "Money", "Sport", "Life", "Puzzles"),
         "We value your privacy. We and our partners store and access information on your device.",
         ("Daily Digest", "Every morning, the top headlines from the Ridgeway and around the world."),
         "Most popular", " | ", False, "dmy", "nginx", wire_weight=1.2),
    Site("om", "The Open Marsh", "openmarsh.example", "Saltmere", "cc",
         "The Open Marsh is a non-profit newsroom. Our reporting is free to republish under CC BY 4.0.",
         False, 2, "om", "/p/{slug}", ("header", "story", "footer", "mostread", "newsletter", "cookie"),
         ("Stories", "Marsh & sea", "Democracy", "Data", "About us", "Donate"),
         "We only use cookies that are needed for this site to work. No tracking.",
         ("The Marsh Letter", "Our journalism in your inbox, twice a week. No ads, no tracking."),
         "Read next", " \u00b7 ", True, "iso", "Caddy", wire_weight=0.7),
    Site("lp", "Lakeside Post", "lakesidepost.example", "Mirelund", "none",
         "Lakeside Post \u2014 news for the northern shore since 1994. Contact the newsroom: desk@lakesidepost.example",
         False, -4, "lp", "/{y}/{m}/{d}/{slug}/", ("cookie", "header", "story", "mostread", "newsletter", "footer"),
         ("Home", "Shore", "County", "Schools", "Outdoors", "Obituaries", "Classifieds"),
         "This site uses cookies. Continue browsing if you are happy with this.",
         ("Post Breakfast", "Start your morning with the Lakeside Post. Delivered daily at 6am."),
         "Most viewed", " - ", False, "mdy", "Apache", wire_weight=1.0),
    Site("eh", "Eastbank Herald", "eastbankherald.example", "Orrinford", "arr",
         "Copyright \u00a9 2024 Eastbank Herald Group. All rights reserved.", False, 3, "eh",
         "/news/{section}/{slug}-{n8}", ("header", "story", "mostread", "cookie", "newsletter", "footer"),
         ("News", "Orrinford", "Nation", "World", "Business", "Sport", "Arts"),
         "By clicking accept you agree to the storing of cookies on your device to enhance navigation.",
         ("Herald Headlines", "Breaking news alerts and a daily summary, straight to your inbox."),
         "Most read today", " | ", True, "dmy", "nginx", wire_weight=1.2),
]
SITE_BY_KEY = {s.key: s for s in SITES}


@dataclass
class Agency:
    label: str                    # value of `wire_agency` in the labels
    token: str                    # the token inside the dateline
    dash: str
    credit: str
    real: bool
    reporters: tuple[str, ...] = ()


AGENCIES = [
    Agency("Reuters", "Reuters", "-", "\u00a9 2024 Thomson Reuters. All rights reserved.", True),
    Agency("AP", "AP", "\u2014", "Copyright 2024 The Associated Press. All rights reserved.", True),
    Agency("AFP", "AFP", "-", "Copyright \u00a9 2024 AFP. All rights reserved.", True),
    Agency("Meridian Press Agency", "MPA", "-",
           "\u00a9 2024 Meridian Press Agency Ltd. All rights reserved.", False,
           ("Mira Ostrander", "Jonah Vellacott", "Signe Halvorsen")),
    Agency("Continental News Service", "CNS", "\u2014",
           "Copyright 2024 Continental News Service. All rights reserved. This material may not be republished without permission.",
           False, ("Paulo Ibarrola", "Greta Marchbank")),
]

# =================================================================================================
# Stories
# =================================================================================================


@dataclass
class Story:
    sid: str
    kind: str                     # wire | local | notice | same_people
    topic: str
    section: str
    facts: dict
    headlines: list[str]          # [0] is the original headline
    paragraphs: list[str]
    published: datetime           # UTC
    author: str
    agency: Agency | None = None
    dateline: str | None = None
    home: Site | None = None
    hard_negative: str | None = None


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def fill(template: str, facts: dict) -> str:
    return cap(template.format_map(facts))


class Names:
    """Invented full names, never the same one twice, never one of SAME_PEOPLE."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set(SAME_PEOPLE)

    def __call__(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name


def make_facts(rng: random.Random, topic: str, names: Names, town: str | None = None) -> dict:
    t = TOPICS[topic]
    towns = [x for x in TOWNS if x != town]
    rng.shuffle(towns)
    town = town or towns.pop()
    c1, c2 = rng.sample(COUNTRIES, 2)
    f: dict = {
        "town": town, "town2": towns[0], "town3": towns[1], "country": c1, "country2": c2,
        "river": rng.choice(RIVERS), "street": rng.choice(STREETS),
        "person": names(), "person2": names(),
        "money": f"{rng.uniform(1.5, 95):.1f} million crowns",
        "money2": f"{rng.uniform(0.2, 9.5):.1f} million crowns",
        "money_small": f"{rng.randint(12, 95) * 100:,} crowns",
        "num": rng.randint(40, 900), "num2": f"{rng.randint(1000, 25000):,}",
        "num3": rng.randint(20, 400), "num_small": rng.randint(3, 12),
        "pct": rng.randint(8, 45), "pct2": rng.randint(2, 19), "pct_small": rng.randint(2, 9),
        "pct_dec": f"{rng.uniform(0.8, 4.5):.1f}", "rate": f"{rng.uniform(2, 6):.2f}",
        "rate2": f"{rng.uniform(2.2, 7):.1f}", "small_dec": f"{rng.uniform(0.5, 2.5):.1f}",
        "month_next": rng.choice(MONTHS_NEXT), "year_prev": rng.randint(2009, 2021),
        "year_next": rng.randint(2026, 2031), "ordinal": rng.choice(ORDINALS),
        "num_speed": rng.randint(90, 150), "num_rain": rng.randint(60, 180),
        "num_min": rng.randint(8, 45), "num_mw": rng.choice([120, 240, 360, 480, 600]),
        "num_height": rng.randint(140, 260), "decade": rng.choice(["1970s", "1980s", "1990s"]),
    }
    f["day"], f["day2"] = rng.sample(DAYS, 2)
    a = rng.randint(5, 14)
    f["votes"] = f"{a} to {rng.randint(1, a - 1)}"
    g = rng.randint(1, 4)
    f["score"] = f"{g}-{rng.randint(0, g - 1)}"
    f["fleet_then"] = rng.randint(120, 400)
    f["fleet_now"] = f["fleet_then"] // 3
    f["team2"] = f"{towns[0]} {rng.choice(['United', 'Rovers', 'Athletic', 'Harriers'])}"
    f["group"] = rng.choice(GROUPS).format_map(f)
    f["org"] = rng.choice(t["orgs"]).format_map(f)
    f["org2"] = rng.choice(ORGS2).format_map(f)
    f["thing"] = rng.choice(t["things"])
    f["catch"] = rng.choice(["herring", "cod", "mackerel", "sprat"])
    f["lead"] = rng.randrange(len(t["leads"]))  # which lead sentence (and matching headlines)
    f["person3"] = names()
    f["role"] = rng.choice(t["roles"]).format_map(f)
    f["role2"] = rng.choice(ROLES2).format_map(f)
    return f


def write_body(rng: random.Random, topic: str, facts: dict, n_paras: int) -> list[str]:
    """`n_paras` paragraphs of 2-4 sentences: a lead, then details, background and quotes."""
    t = TOPICS[topic]
    details = [fill(s, facts) for s in t["details"]] + [fill(s, facts) for s in GENERIC_DETAILS]
    rng.shuffle(details)
    quotes = t["quotes"] + rng.sample(GENERIC_QUOTES, 2)
    rng.shuffle(quotes)
    forms = QUOTE_FORMS[:]
    rng.shuffle(forms)
    quote_sents = [fill(forms[i % len(forms)], facts | {"quote": fill(q, facts)})
                   for i, q in enumerate(quotes[:3])]
    paras = []
    lead = fill(t["leads"][facts["lead"]], facts)
    paras.append(" ".join([lead] + [details.pop() for _ in range(rng.randint(1, 2))]))
    while len(paras) < n_paras and details:
        sents = []
        for _ in range(rng.randint(2, 4)):
            if quote_sents and rng.random() < 0.3:
                sents.append(quote_sents.pop())
            elif details:
                sents.append(details.pop())
        if len(sents) < 2:
            break
        paras.append(" ".join(sents))
    if quote_sents:  # at least one quote in every story, placed in its second paragraph
        paras[1 if len(paras) > 1 else 0] += " " + quote_sents.pop()
    return paras


def headlines_for(topic: str, facts: dict, rng: random.Random) -> list[str]:
    """The original headline first, then the alternatives copy desks pick from."""
    heads = [fill(h, facts) for h in TOPICS[topic]["heads"][facts["lead"]]]
    rng.shuffle(heads)
    return heads


def make_stories(rng: random.Random) -> list[Story]:
    names = Names(rng)
    stories: list[Story] = []
    base = datetime(2024, 5, 1, 5, 0, tzinfo=timezone.utc)

    def when() -> datetime:
        return base + timedelta(days=rng.randint(0, 5), hours=rng.randint(0, 14),
                                minutes=rng.choice([0, 5, 15, 20, 30, 40, 45, 50]))

    # Wire stories: every agency, topics in rotation.
    agency_cycle = [AGENCIES[i % len(AGENCIES)] for i in range(N_WIRE_STORIES)]
    rng.shuffle(agency_cycle)
    for i in range(N_WIRE_STORIES):
        topic = WIRE_TOPICS[i % len(WIRE_TOPICS)]
        agency = agency_cycle[i]
        facts = make_facts(rng, topic, names)
        city = rng.choice(REAL_CITIES) if agency.real else facts["town"].upper()
        dateline = f"{city} ({agency.token}) {agency.dash} "
        author = rng.choice(agency.reporters) if agency.reporters else ""
        stories.append(Story(
            f"w{i + 1:03d}", "wire", topic, TOPICS[topic]["section"], facts,
            headlines_for(topic, facts, rng), write_body(rng, topic, facts, rng.randint(5, 9)),
            when(), author, agency=agency, dateline=dateline))

    # Local stories: each site reports on its own town.
    for i in range(N_LOCAL_STORIES):
        site = SITES[i % len(SITES)]
        topic = LOCAL_TOPICS[(i + 3 * (i // len(SITES)) + 3) % len(LOCAL_TOPICS)]
        facts = make_facts(rng, topic, names, town=site.hometown)
        stories.append(Story(
            f"l{i + 1:03d}", "local", topic, TOPICS[topic]["section"], facts,
            headlines_for(topic, facts, rng), write_body(rng, topic, facts, rng.randint(4, 9)),
            when(), names(), home=site))

    # Hard negatives 1: short planning notices on one site sharing a long standard text.
    stories.extend(make_notices(rng, names, when))

    # Hard negatives 2: two different stories about the same two people.
    mayor, rival = SAME_PEOPLE
    for j, (topic, site_key) in enumerate((("council", "hg"), ("festival", "ct"))):
        site = SITE_BY_KEY[site_key]
        facts = make_facts(rng, topic, names, town="Kestrelmouth")
        facts.update(person=mayor, role="mayor of Kestrelmouth", person2=rival,
                     role2="leader of the opposition group on the council")
        stories.append(Story(
            f"p{j + 1:03d}", "same_people", topic, TOPICS[topic]["section"], facts,
            headlines_for(topic, facts, rng), write_body(rng, topic, facts, rng.randint(5, 7)),
            when(), names(), home=site, hard_negative="same_people:varnholt-brannick"))
    return stories


NOTICE_WORKS = [
    "a two-storey rear extension", "the change of use of a shop to a caf\u00e9",
    "the demolition of a garage and the building of a bungalow",
    "solar panels on the roof of a listed barn", "a new access road to Kettle Farm",
]
NOTICE_EXTRAS = [
    "Neighbours have already raised concerns about parking on the narrow lane.",
    "The building dates from the {decade} and lies within the conservation area.",
    "A similar application for the site was withdrawn in {year_prev}.",
    "The plans include a new hedge along the boundary and a survey of bats in the roof.",
    "The parish council is due to discuss the plans on {day}.",
    "The applicant says the work would take about {num_small} weeks.",
]
NOTICE_TEMPLATE = [
    "Planning notices are published by the Northfield Courier as a public service. The Courier takes no view on individual applications and is not responsible for errors in the details supplied by the council.",
    "Comments on this application may be made in writing to the planning office at the Town Hall, or through the council's online planning portal, within twenty-one days of the date of this notice. Comments must include the name and address of the person making them and will be open to public inspection. Anonymous comments cannot be considered.",
    "Where an application is refused, the applicant may appeal to the regional planning inspectorate within six months. Details of how decisions are made, and the dates of planning committee meetings for the coming year, are available from the council's customer service centre.",
]


def make_notices(rng: random.Random, names: Names, when) -> list[Story]:
    site = SITE_BY_KEY["nc"]
    out = []
    for k, work in enumerate(NOTICE_WORKS):
        facts = make_facts(rng, "housing", names, town=site.hometown)
        number = rng.randint(2, 140)
        address = f"{number} {facts['street']}, {site.hometown}"
        ref = f"NB/24/{rng.randint(100, 999)}/FUL"
        first = (f"An application has been submitted to {site.hometown} Borough Council for {work} "
                 f"at {address}. The applicant is {facts['person']}, and the council's reference "
                 f"is {ref}.")
        extras = " ".join(fill(e, facts) for e in rng.sample(NOTICE_EXTRAS, 2))
        head = f"Planning notice: {work} at {address}"
        out.append(Story(
            f"n{k + 1:03d}", "notice", "notice", "notices", facts, [cap(head)],
            [first, extras] + NOTICE_TEMPLATE, when(), "Courier notices desk", home=site,
            hard_negative="shared_template:northfield-planning-notices"))
    return out


# =================================================================================================
# Pages
# =================================================================================================


@dataclass
class Page:
    pid: int
    story: Story
    site: Site
    url: str
    headline: str
    paragraphs: list[str]         # final text of the article paragraphs (dateline included)
    published: datetime           # UTC
    relation: str                 # original | wire_copy
    edits: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    credit: str | None = None
    read_more: str | None = None
    byline: str = ""
    author_ld: dict | None = None
    most_read: list[tuple[str, str]] = field(default_factory=list)
    licence: str = LIC_NONE


def slugify(text: str, words: int = 8) -> str:
    parts = re.findall(r"[a-z0-9]+", text.lower().replace("\u00e9", "e"))
    return "-".join(parts[:words])


def page_url(site: Site, story: Story, headline: str, published: datetime, rng: random.Random) -> str:
    local = published.astimezone(site.tz)
    path = site.url_style.format(
        y=f"{local.year:04d}", m=f"{local.month:02d}", d=f"{local.day:02d}", slug=slugify(headline),
        section=story.section, n5=rng.randint(10000, 99999), n6=rng.randint(100000, 999999),
        n8=rng.randint(10000000, 99999999))
    return f"https://{site.host}{path}"


def substitute_words(paras: list[str], rng: random.Random) -> tuple[list[str], int]:
    """Swap 1-3% of the words for synonyms or other spellings."""
    n_words = sum(len(p.split()) for p in paras)
    spots = [(i, m.start(), m.end()) for i, p in enumerate(paras)
             for m in re.finditer(r"\b[a-z]+\b", p) if m.group(0) in SYNONYMS]
    k = min(len(spots), max(1, round(n_words * rng.uniform(0.01, 0.03))))
    chosen = sorted(rng.sample(spots, k), key=lambda s: (s[0], -s[1]))
    out = list(paras)
    for i, start, end in chosen:  # right to left inside a paragraph: offsets stay valid
        p = out[i]
        out[i] = p[:start] + SYNONYMS[p[start:end]] + p[end:]
    return out, k


def rewrite_headline(story: Story, rng: random.Random) -> tuple[str, str]:
    original = story.headlines[0]
    r = rng.random()
    if r < 0.55:
        return rng.choice(story.headlines[1:]), "headline_rewritten"
    if r < 0.7:
        return " ".join(cap(w) for w in original.split()), "headline_title_case"
    if r < 0.85 or not (story.agency and story.agency.label == "Reuters"):
        return original + rng.choice([", officials say", " \u2013 report", ": what we know so far"]), \
            "headline_extended"
    return rng.choice(["UPDATE 1-", "UPDATE 2-"]) + original, "headline_update_prefix"


def make_pages(stories: list[Story], rng: random.Random) -> list[Page]:
    pages: list[Page] = []
    used_urls: set[str] = set()

    def add(page: Page) -> None:
        base, n = page.url, 2
        while page.url in used_urls:
            page.url = base.rstrip("/") + f"-{n}" + ("/" if base.endswith("/") else "")
            n += 1
        used_urls.add(page.url)
        pages.append(page)

    # copies per wire story: a fixed multiset (so the page count does not drift), shuffled
    n_wire = sum(1 for st in stories if st.kind == "wire")
    counts = [COPY_COUNTS[i % len(COPY_COUNTS)] for i in range(n_wire)]
    rng.shuffle(counts)
    for story in stories:
        if story.kind == "wire":
            weights = [s.wire_weight for s in SITES]
            k = counts.pop()
            chosen: list[Site] = []
            while len(chosen) < k:
                s = rng.choices(SITES, weights)[0]
                if s not in chosen:
                    chosen.append(s)
            seen: set[tuple] = set()
            for site in chosen:
                page = make_wire_copy(len(pages), story, site, rng)
                # two copies with the same visible text would be exact duplicates: keep every copy
                # distinct so that `exact_dup` in the labels means "same HTML" and nothing else
                while (sig := (page.headline, tuple(page.paragraphs), page.credit, bool(page.read_more))) in seen:
                    page.paragraphs, n = substitute_words(page.paragraphs, rng)
                    page.edits.append(f"word_substitutions:{n}")
                seen.add(sig)
                add(page)
        else:
            site = story.home
            assert site is not None
            published = story.published
            p = Page(len(pages), story, site, page_url(site, story, story.headlines[0], published, rng),
                     story.headlines[0], list(story.paragraphs), published, "original",
                     byline=f"By {story.author}", author_ld={"@type": "Person", "name": story.author},
                     licence=site.own_licence)
            p.evidence = site_evidence(site)
            add(p)
    return pages


def site_evidence(site: Site, own_story: bool = True) -> list[str]:
    """Licence hints the page chrome carries (the JSON-LD licence only on a site's own stories)."""
    if site.licence == "cc":
        return ["site_cc_by_link"] + (["jsonld_license"] if site.jsonld_licence and own_story else [])
    if site.licence == "arr":
        return ["site_footer_all_rights_reserved" + ("_x2" if site.footer_twice else "")]
    return []


def make_wire_copy(pid: int, story: Story, site: Site, rng: random.Random) -> Page:
    agency = story.agency
    assert agency is not None and story.dateline is not None
    edits: list[str] = []
    headline, how = rewrite_headline(story, rng)
    edits.append(how)
    paras = list(story.paragraphs)
    if rng.random() < 0.7:
        paras, n_subs = substitute_words(paras, rng)
        edits.append(f"word_substitutions:{n_subs}")
    read_more = None
    r = rng.random()
    if r < 0.2 and len(paras) > 3:
        keep = rng.randint(2, min(4, len(paras) - 1))
        paras = paras[:keep]
        edits.append(f"truncated_after:{keep}")
        read_more = "full"
    else:
        if rng.random() < 0.25 and len(paras) > 3:
            drop = rng.randrange(1, len(paras))
            del paras[drop]
            edits.append(f"paragraph_dropped:{drop + 1}")
        if rng.random() < 0.25:
            angle = fill(rng.choice(LOCAL_ANGLES), story.facts | {"home": site.hometown, "site": site.name})
            at = rng.randint(1, len(paras))
            paras.insert(at, angle)
            edits.append(f"local_paragraph_added:{at + 1}")
    evidence = []
    if rng.random() < 0.3:
        edits.append("dateline_dropped")
    else:
        paras[0] = story.dateline + paras[0]
        evidence.append("dateline")
    credit = None
    if rng.random() < 0.62:
        credit = agency.credit
        evidence.append("credit_line")
    else:
        edits.append("credit_line_dropped")
    published = story.published + timedelta(minutes=rng.randint(10, 600))
    if agency.real:
        byline = rng.choice(["From wire reports", "Staff and agencies", f"{site.name} wire desk"])
        author_ld = {"@type": "Organization", "name": f"{site.name} wire desk"}
    else:
        byline = f"By {story.author}, {agency.label}"
        author_ld = {"@type": "Person", "name": story.author}
        evidence.append("byline_agency")
    url = page_url(site, story, headline, published, rng)
    page = Page(pid, story, site, url, headline, paras, published, "wire_copy", edits=edits,
                evidence=evidence + site_evidence(site, own_story=False), credit=credit, byline=byline,
                author_ld=author_ld, licence=LIC_ARR)
    if read_more:
        page.read_more = url + "?page=2"
    return page


# ---- HTML ---------------------------------------------------------------------------------------

def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def human_date(dt: datetime, style: str) -> str:
    if style == "iso":
        return dt.strftime("%Y-%m-%d %H:%M")
    if style == "mdy":
        hour = dt.hour % 12 or 12
        return f"{dt.strftime('%B')} {dt.day}, {dt.year} {hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"
    return f"{dt.day} {dt.strftime('%B')} {dt.year}, {dt.strftime('%H:%M')}"


def render(page: Page, order: tuple[str, ...] | None = None) -> str:
    site = page.site
    p = site.prefix
    local_pub = page.published.astimezone(site.tz)
    iso = local_pub.isoformat()
    title = f"{page.headline}{site.title_sep}{site.name}"
    ld: dict = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": page.headline,
        "datePublished": iso, "author": page.author_ld,
        "publisher": {"@type": "Organization", "name": site.name}, "mainEntityOfPage": page.url,
    }
    if site.jsonld_licence and page.relation != "wire_copy":
        ld["license"] = CC_BY
    ld_text = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
    head = [
        '<meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta property="og:site_name" content="{attr(site.name)}">',
    ]
    if site.og_title:
        head.append(f'<meta property="og:title" content="{attr(page.headline)}">')
    head += [
        '<meta property="og:type" content="article">',
        f'<meta property="article:published_time" content="{iso}">',
        f'<link rel="canonical" href="{attr(page.url)}">',
    ]
    if site.licence == "cc":
        head.append(f'<link rel="license" href="{CC_BY}">')
    head += [
        f'<link rel="stylesheet" href="/static/{p}-main.css">',
        f'<script type="application/ld+json">{ld_text}</script>',
    ]
    paras = "\n".join(f"<p>{esc(t)}</p>" for t in page.paragraphs)
    if page.read_more:
        paras += f'\n<p class="{p}-readmore"><a href="{attr(page.read_more)}">Read more</a></p>'
    if page.credit:
        paras += f'\n<p class="{p}-credit"><small>{esc(page.credit)}</small></p>'
    blocks = {
        "cookie": (f'<div class="{p}-cookie" id="cookie-notice" role="dialog">\n<p>{esc(site.cookie)}</p>\n'
                   f'<button type="button">Accept</button> <button type="button">Manage choices</button> '
                   f'<a href="/privacy">Privacy notice</a>\n</div>'),
        "header": (f'<header class="{p}-masthead">\n<a class="{p}-logo" href="/">{esc(site.name)}</a>\n'
                   f'<nav class="{p}-nav" aria-label="Sections"><ul>'
                   + "".join(f'<li><a href="/{slugify(n)}/">{esc(n)}</a></li>' for n in site.nav)
                   + "</ul></nav>\n</header>"),
        "story": (f'<main id="content" class="{p}-main">\n<div class="{p}-storyhead">\n'
                  f'<p class="{p}-kicker">{esc(cap(page.story.section))}</p>\n<h1>{esc(page.headline)}</h1>\n'
                  f'<p class="{p}-byline"><span class="author">{esc(page.byline)}</span> \u00b7 '
                  f'<time datetime="{iso}">{human_date(local_pub, site.date_style)}</time></p>\n</div>\n'
                  f'<article class="{p}-body">\n{paras}\n</article>\n'
                  f'<div class="{p}-share">Share this story: <a href="#">Email</a> <a href="#">Copy link</a> '
                  f'<a href="#">Print</a></div>\n</main>'),
        "mostread": (f'<aside class="{p}-mostread">\n<h2>{esc(site.most_read)}</h2>\n<ol>'
                     + "".join(f'<li><a href="{attr(u)}">{esc(h)}</a></li>' for u, h in page.most_read)
                     + "</ol>\n</aside>"),
        "newsletter": (f'<aside class="{p}-newsletter">\n<h2>{esc(site.newsletter[0])}</h2>\n'
                       f'<p>{esc(site.newsletter[1])}</p>\n<form action="/newsletter" method="post">'
                       '<input type="email" name="email" placeholder="Your email address"> '
                       '<button type="submit">Sign up</button></form>\n</aside>'),
        "footer": (f'<footer class="{p}-footer">\n<ul>'
                   + "".join(f'<li><a href="/{slugify(x)}">{x}</a></li>'
                             for x in ("About us", "Contact", "Advertise", "Corrections", "Privacy"))
                   + f'</ul>\n<p class="{p}-copyright">{esc(site.footer)}</p>\n</footer>'
                   + (f'\n<div class="{p}-legal"><p>{esc(site.footer)}</p></div>' if site.footer_twice else "")),
    }
    if site.licence == "cc":
        blocks["footer"] = blocks["footer"].replace(
            f'<p class="{p}-copyright">',
            f'<p class="{p}-copyright"><a rel="license" href="{CC_BY}">CC BY 4.0</a> \u00b7 ', 1)
    body = "\n".join(blocks[k] for k in (order or site.order))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n" + "\n".join(head) + "\n</head>\n"
            f'<body class="{p}-article">\n{body}\n</body>\n</html>\n')


def assign_most_read(pages: list[Page], rng: random.Random) -> None:
    by_site: dict[str, list[Page]] = {}
    for pg in pages:
        by_site.setdefault(pg.site.key, []).append(pg)
    for pg in pages:
        others = [o for o in by_site[pg.site.key] if o is not pg]
        pg.most_read = [(o.url, o.headline) for o in rng.sample(others, min(5, len(others)))]


# =================================================================================================
# Records: what goes into which file
# =================================================================================================


@dataclass
class Rec:
    target: str                   # a WARC file name or JSONL_FILE
    url: str | None
    fetched: datetime
    payload: bytes
    label: dict
    content_type: str = "text/html; charset=utf-8"
    with_request: bool = False
    corrupt: bool = False
    json_id: bool = True           # JSONL: write an `id`
    key: object = None             # the Page it shows (for duplicate_of links)
    doc_id: str = ""
    offset: int = -1


def base_label(page: Page | None, relation: str) -> dict:
    story = page.story if page else None
    return {
        "story_id": story.sid if story else None,
        "relation": relation,
        "reason": None,
        "duplicate_of": None,
        "variant": None,
        "site": page.site.host.removeprefix("www.") if page else None,
        "wire_agency": story.agency.label if story and story.agency else None,
        "licence_expected": page.licence if page else None,
        "headline": page.headline if page else None,
        "edits": list(page.edits) if page else [],
        "licence_evidence": list(page.evidence) if page else [],
        "hard_negative": story.hard_negative if story else None,
        "quirk": None,
    }


def crawl_time(page: Page, rng: random.Random) -> datetime:
    return page.published + timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59),
                                      seconds=rng.randint(0, 59))


def with_utm(url: str, q: str) -> str:
    return url + ("&" if "?" in url else "?") + q


def plan_records(pages: list[Page], rng: random.Random) -> list[Rec]:
    recs: list[Rec] = []
    html_of = {pg.pid: render(pg).encode("utf-8") for pg in pages}

    # Which pages live only in the JSONL file.
    local = [pg for pg in pages if pg.story.kind == "local"]
    wire = [pg for pg in pages if pg.story.kind == "wire"]
    jsonl_only = set(pg.pid for pg in rng.sample(local, N_LOCAL_JSONL_ONLY))
    # wire copies moved to JSONL: only from stories that keep >= 2 copies in the WARC files
    per_story: dict[str, list[Page]] = {}
    for pg in wire:
        per_story.setdefault(pg.story.sid, []).append(pg)
    movable = [pg for sid, lst in per_story.items() if len(lst) >= 4 for pg in lst[1:2]]
    movable += [pg for sid, lst in per_story.items() if len(lst) >= 6 for pg in lst[2:3]]
    jsonl_only |= set(pg.pid for pg in rng.sample(movable, N_WIRE_COPIES_JSONL))

    warc_pages = [pg for pg in pages if pg.pid not in jsonl_only]
    special_pool = [pg for pg in warc_pages if pg.story.kind in ("local", "wire")]
    rng.shuffle(special_pool)
    corrupt_page = next(pg for pg in special_pool if pg.story.kind == "wire")
    broken_page = next(pg for pg in special_pool if pg.story.kind == "local"
                       and any("\u201c" in t for t in pg.paragraphs))
    specials = {corrupt_page.pid, broken_page.pid}
    dup_pool = [pg for pg in special_pool if pg.pid not in specials]

    first: dict[int, Rec] = {}
    for pg in warc_pages:
        target = rng.choice(WARC_FILES)
        payload = html_of[pg.pid]
        label = base_label(pg, pg.relation)
        rec = Rec(target, pg.url, crawl_time(pg, rng), payload, label, key=pg,
                  with_request=rng.random() < 0.4)
        if pg.pid == corrupt_page.pid:
            rec.corrupt, rec.with_request, rec.target = True, False, WARC_FILES[0]
            label.update(relation="reject_expected", reason="gzip_error", licence_expected=None)
        if pg.pid == broken_page.pid:
            rec.payload = break_utf8(payload)
            label["quirk"] = "invalid_utf8"
        recs.append(rec)
        first[pg.pid] = rec

    # Exact re-crawls: same URL, byte-identical HTML, later WARC-Date, new record id.
    recrawled = dup_pool[:N_RECRAWL_PAGES]
    for n, pg in enumerate(recrawled + recrawled[:1]):
        orig = first[pg.pid]
        label = base_label(pg, "exact_dup") | {"variant": "recrawl"}
        days = rng.randint(1, 5) + (2 if n >= N_RECRAWL_PAGES else 0)
        recs.append(Rec(rng.choice(WARC_FILES), pg.url, orig.fetched + timedelta(days=days, minutes=n),
                        orig.payload, label, key=pg, with_request=rng.random() < 0.4))
    # URL variants: http:// and tracking parameters, same HTML (the canonical link is the same).
    variants = dup_pool[N_RECRAWL_PAGES:N_RECRAWL_PAGES + N_URL_VARIANTS]
    kinds = ["http", "http", "http", "http", "http", "utm", "utm", "utm", "utm", "utm"]
    for pg, kind in zip(variants, kinds):
        orig = first[pg.pid]
        if kind == "http":
            url = "http://" + pg.url.removeprefix("https://")
        else:
            url = with_utm(pg.url, rng.choice(["utm_source=newsletter&utm_medium=email",
                                                "utm_source=social&utm_campaign=share",
                                                "utm_source=homepage&utm_content=top-stories"]))
        label = base_label(pg, "url_variant") | {"variant": kind}
        recs.append(Rec(rng.choice(WARC_FILES), url, orig.fetched + timedelta(hours=rng.randint(2, 40)),
                        orig.payload, label, key=pg))
    # Re-render: same article and URL, the page chrome in another order.
    rerender = next(pg for pg in dup_pool[N_RECRAWL_PAGES + N_URL_VARIANTS:] if pg.story.kind == "local")
    order = ("cookie", "newsletter", "header", "story", "footer", "mostread")
    assert order != rerender.site.order
    recs.append(Rec(WARC_FILES[1], rerender.url, first[rerender.pid].fetched + timedelta(days=3),
                    render(rerender, order).encode("utf-8"),
                    base_label(rerender, "exact_dup") | {"variant": "rerender"}, key=rerender,
                    with_request=True))
    used = set(p.pid for p in recrawled + variants) | {rerender.pid}

    # Rejects that are not corrupt gzip: a PDF, an empty page.
    eh, lp = SITE_BY_KEY["eh"], SITE_BY_KEY["lp"]
    recs.append(Rec(WARC_FILES[1], f"https://{eh.host}/media/annual-report-2023.pdf",
                    datetime(2024, 5, 4, 10, 12, 31, tzinfo=timezone.utc), fake_pdf(),
                    reject_label(eh, "non_html_payload"), content_type="application/pdf"))
    recs.append(Rec(WARC_FILES[0], f"https://{lp.host}/2024/05/03/live-updates-placeholder/",
                    datetime(2024, 5, 3, 21, 40, 2, tzinfo=timezone.utc), b"<html><body></body></html>",
                    reject_label(lp, "no_text"), with_request=True))

    # JSONL: pages only there, exact copies of WARC pages, and two bad lines.
    jsonl: list[Rec] = []
    for pg in pages:
        if pg.pid in jsonl_only:
            jsonl.append(Rec(JSONL_FILE, pg.url, crawl_time(pg, rng), html_of[pg.pid],
                             base_label(pg, pg.relation), key=pg))
    cross = [pg for pg in dup_pool if pg.pid not in used][:N_CROSS_FORMAT]
    for pg in cross:
        jsonl.append(Rec(JSONL_FILE, pg.url, first[pg.pid].fetched + timedelta(hours=rng.randint(1, 30)),
                         html_of[pg.pid], base_label(pg, "exact_dup") | {"variant": "cross_format"},
                         key=pg))
    rng.shuffle(jsonl)
    # a page without `id`: a copy of a WARC page, so no content is lost with it
    no_id = next(pg for pg in dup_pool if pg.pid not in used and pg not in cross)
    bad = Rec(JSONL_FILE, no_id.url, datetime(2024, 5, 5, 7, 3, 9, tzinfo=timezone.utc), html_of[no_id.pid],
              base_label(no_id, "reject_expected") | {"reason": "missing_id", "licence_expected": None},
              key=no_id, json_id=False)
    jsonl.insert(23, bad)
    broken_json = Rec(JSONL_FILE, None, datetime(2024, 5, 5, 7, 4, 0, tzinfo=timezone.utc), b"",
                      reject_label(None, "bad_json"))
    jsonl.insert(11, broken_json)
    recs.extend(jsonl)
    return recs


def reject_label(site: Site | None, reason: str) -> dict:
    label = base_label(None, "reject_expected")
    label.update(reason=reason, site=site.host.removeprefix("www.") if site else None)
    return label


def break_utf8(payload: bytes) -> bytes:
    """Windows-1252 quotes and accents inside the UTF-8 article body: invalid byte sequences."""
    start = payload.index(b"<article")
    end = payload.index(b"</article>")
    body = payload[start:end]
    for good, bad in (("\u201c", b"\x93"), ("\u201d", b"\x94"), ("\u2019", b"\x92")):
        body = body.replace(good.encode("utf-8"), bad)
    body = body.replace(b"</p>", b" Caf\xe9 owners agreed.</p>", 1)
    return payload[:start] + body + payload[end:]


def fake_pdf() -> bytes:
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
            b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n"
            b"4 0 obj\n<< /Length 58 >>\nstream\nBT /F1 18 Tf 72 760 Td (Eastbank Herald annual report) Tj ET\n"
            b"endstream\nendobj\ntrailer\n<< /Root 1 0 R /Size 5 >>\n%%EOF\n")


# =================================================================================================
# Writers
# =================================================================================================


def gzip_member(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="", compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


def corrupt_gzip_member(data: bytes) -> bytes:
    """A gzip member of three stored deflate blocks, with bytes flipped around the second block's
    header. Built by hand so its bytes are the same with every zlib build. Inflating it fails in
    the middle of the member (the first third of the record comes out, then a zlib error), and the
    next member starts right after it."""
    cut1, cut2 = len(data) // 3, 2 * len(data) // 3
    parts = [data[:cut1], data[cut1:cut2], data[cut2:]]
    deflate = b""
    marks = []
    for i, part in enumerate(parts):
        marks.append(len(deflate))
        final = 1 if i == len(parts) - 1 else 0
        n = len(part)
        deflate += bytes([final]) + n.to_bytes(2, "little") + (n ^ 0xFFFF).to_bytes(2, "little") + part
    damaged = bytearray(deflate)
    for j in range(marks[1] - 4, marks[1] + 8):
        damaged[j] ^= 0x5A
    header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x00\xff"
    trailer = (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "little") + (len(data) & 0xFFFFFFFF).to_bytes(4, "little")
    member = header + bytes(damaged) + trailer
    assert member.find(b"\x1f\x8b\x08", 1) == -1
    try:
        zlib.decompressobj(31).decompress(member)
    except zlib.error:
        return member
    raise AssertionError("the damaged member still inflates")


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_date(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def warc_record(fields: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def positional_id(source_name: str, offset: int) -> str:
    """Same scheme as dedup.sources.read.positional_id: the id of a record that carries none."""
    return "nodocid:" + hashlib.sha1(f"{source_name}\0{offset}".encode()).hexdigest()[:24]


class Ids:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def __call__(self) -> str:
        return f"<urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}>"


def write_warc(name: str, recs: list[Rec], new_id: Ids) -> bytes:
    recs.sort(key=lambda r: (r.fetched, r.url or ""))
    out = bytearray()
    info_id = new_id()
    info = ("software: dedup sample generator (scripts/make_sample.py)\r\n"
            "format: WARC File Format 1.1\r\n"
            "isPartOf: dedup-sample-crawl\r\n"
            "description: Synthetic news crawl. Every site, person and story in it is invented.\r\n"
            "operator: dedup maintainers\r\n"
            "robots: obey\r\n").encode("utf-8")
    first_date = recs[0].fetched - timedelta(minutes=1)
    out += gzip_member(warc_record([
        ("WARC-Type", "warcinfo"), ("WARC-Date", warc_date(first_date)),
        ("WARC-Record-ID", info_id), ("WARC-Filename", name),
        ("Content-Type", "application/warc-fields")], info))
    for n, rec in enumerate(recs):
        assert rec.url is not None
        rid = new_id()
        date = warc_date(rec.fetched)
        host = rec.url.split("/", 3)[2]
        path = "/" + rec.url.split("/", 3)[3] if rec.url.count("/") >= 3 else "/"
        if rec.with_request:
            req = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
                   "User-Agent: dedup-sample-crawler/1.0 (synthetic)\r\n"
                   "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8\r\n"
                   "Accept-Language: en\r\nConnection: close\r\n\r\n").encode("ascii")
            out += gzip_member(warc_record([
                ("WARC-Type", "request"), ("WARC-Record-ID", new_id()), ("WARC-Date", date),
                ("WARC-Target-URI", rec.url), ("WARC-Concurrent-To", rid),
                ("WARC-Warcinfo-ID", info_id), ("WARC-Block-Digest", sha1_b32(req)),
                ("Content-Type", "application/http;msgtype=request")], req))
        server = next((s.server for s in SITES if s.host in rec.url), "nginx")
        http_head = (f"HTTP/1.1 200 OK\r\nDate: {format_datetime(rec.fetched, usegmt=True)}\r\n"
                     f"Server: {server}\r\nContent-Type: {rec.content_type}\r\n"
                     f"Content-Length: {len(rec.payload)}\r\nCache-Control: max-age=300\r\n"
                     "Connection: close\r\n\r\n").encode("ascii")
        block = http_head + rec.payload
        record = warc_record([
            ("WARC-Type", "response"), ("WARC-Record-ID", rid), ("WARC-Date", date),
            ("WARC-Target-URI", rec.url), ("WARC-Warcinfo-ID", info_id),
            ("WARC-IP-Address", f"192.0.2.{10 + sum(map(ord, host)) % 200}"),
            ("WARC-Payload-Digest", sha1_b32(rec.payload)), ("WARC-Block-Digest", sha1_b32(block)),
            ("Content-Type", "application/http;msgtype=response")], block)
        rec.offset = len(out)
        if rec.corrupt:
            out += corrupt_gzip_member(record)
            rec.doc_id = positional_id(name, rec.offset)
            rec.label["warc_record_id"] = rid
        else:
            out += gzip_member(record)
            rec.doc_id = rid
            rec.label["warc_record_id"] = rid
    return bytes(out)


def write_jsonl(recs: list[Rec]) -> bytes:
    lines = []
    for n, rec in enumerate(recs):
        rec.offset = n
        obj: dict = {}
        doc_id = f"sample-jsonl-{n + 1:04d}"
        if rec.json_id:
            obj["id"] = doc_id
        obj |= {"url": rec.url, "fetched_at": warc_date(rec.fetched),
                "html": rec.payload.decode("utf-8")}
        line = json.dumps(obj, ensure_ascii=False)
        if rec.label["reason"] == "bad_json":
            # a line cut short by a crashed writer: not valid JSON
            line = json.dumps({"id": doc_id, "url": f"https://{SITES[0].host}/news/2024/05/05/tide-tables",
                               "fetched_at": warc_date(rec.fetched),
                               "html": "<!DOCTYPE html><html><head><title>Tide tables for the week"})[:-9]
        lines.append(line)
        rec.doc_id = doc_id if rec.json_id and rec.label["reason"] != "bad_json" else positional_id(JSONL_FILE, n)
        rec.label["warc_record_id"] = None
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return gzip_member(data)


# =================================================================================================
# Generate
# =================================================================================================


def generate(out_dir: Path, seed: int = SEED) -> dict:
    rng = random.Random(seed)
    stories = make_stories(rng)
    pages = make_pages(stories, rng)
    assign_most_read(pages, rng)
    recs = plan_records(pages, rng)

    new_id = Ids(seed * 7 + 1)
    crawl = out_dir / "crawl"
    labels_dir = out_dir / "labels"
    crawl.mkdir(parents=True, exist_ok=True)
    labels_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    for name in WARC_FILES:
        files[name] = write_warc(name, [r for r in recs if r.target == name], new_id)
    jsonl_recs = [r for r in recs if r.target == JSONL_FILE]
    files[JSONL_FILE] = write_jsonl(jsonl_recs)
    for name, data in files.items():
        (crawl / name).write_bytes(data)

    # duplicate_of: the first record (by file, offset) of the same page that is not itself a copy
    originals: dict[int, Rec] = {}
    for rec in sorted(recs, key=lambda r: (r.target, r.offset)):
        if rec.key is not None and rec.label["relation"] in ("original", "wire_copy"):
            originals.setdefault(rec.key.pid, rec)
    for rec in recs:
        if rec.label["relation"] in ("exact_dup", "url_variant"):
            rec.label["duplicate_of"] = originals[rec.key.pid].doc_id

    rows = []
    for rec in sorted(recs, key=lambda r: (r.target, r.offset)):
        rows.append({"doc_id": rec.doc_id, "source_file": rec.target, "source_offset": rec.offset,
                     "url": rec.url, "fetched_at": warc_date(rec.fetched) if rec.url else None} | rec.label)
    (labels_dir / "labels.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    story_rows = []
    for st in stories:
        docs = [r["doc_id"] for r in rows if r["story_id"] == st.sid]
        story_rows.append({
            "story_id": st.sid, "kind": st.kind, "topic": st.topic,
            "wire_agency": st.agency.label if st.agency else None,
            "home_site": st.home.host.removeprefix("www.") if st.home else None,
            "headline": st.headlines[0], "paragraphs": len(st.paragraphs),
            "hard_negative": st.hard_negative, "doc_ids": docs})
    (labels_dir / "stories.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in story_rows), encoding="utf-8")
    return {"rows": rows, "stories": story_rows}


# ---- --check ------------------------------------------------------------------------------------

def gzip_members(data: bytes) -> list[tuple[int, bool, bytes]]:
    """(offset, ok, content) per gzip member: decompressed bytes, or the raw bytes of a bad one."""
    out = []
    mv = memoryview(data)
    pos = 0
    while pos < len(data):
        d = zlib.decompressobj(31)
        try:
            content = d.decompress(mv[pos:])
            if not d.eof:
                raise zlib.error("truncated member")
            end = len(data) - len(d.unused_data)
            out.append((pos, True, content))
            pos = end
        except zlib.error:
            nxt = pos
            while True:
                nxt = data.find(b"\x1f\x8b\x08", nxt + 1)
                if nxt < 0:
                    nxt = len(data)
                    break
                probe = zlib.decompressobj(31)
                try:
                    probe.decompress(mv[nxt:])
                    if probe.eof:
                        break
                except zlib.error:
                    continue
            out.append((pos, False, data[pos:nxt]))
            pos = nxt
    return out


def _logical_labels(text: str, offsets: dict[str, list[int]]) -> list[dict]:
    rows = [json.loads(line) for line in text.splitlines()]
    if rows and "doc_ids" in rows[0]:  # stories.jsonl: ids of corrupt records depend on offsets
        for r in rows:
            r["doc_ids"] = [d if not d.startswith("nodocid:") else "nodocid:*" for d in r["doc_ids"]]
        return rows
    by_pos = {name: {off: i for i, off in enumerate(offs)} for name, offs in offsets.items()}
    for r in rows:
        f = r["source_file"]
        if f in by_pos:
            r["source_offset"] = f"member#{by_pos[f][r['source_offset']]}"
            if r["doc_id"].startswith("nodocid:"):
                r["doc_id"] = f"nodocid:{f}#{r['source_offset']}"
    return rows


def compare(expected: Path, actual: Path) -> list[str]:
    """Differences between a fresh generation (`expected`) and the committed sample (`actual`)."""
    problems: list[str] = []
    notes: list[str] = []
    offsets: dict[str, tuple[list[int], list[int]]] = {}
    for sub, names in GENERATED.items():
        have = {p.name for p in (actual / sub).iterdir() if p.is_file()} if (actual / sub).is_dir() else set()
        if sub == "crawl":
            extra = sorted(have - set(names))
            if extra:
                problems.append(f"{sub}/: files the generator does not write: {', '.join(extra)}")
        for name in names:
            a, e = actual / sub / name, expected / sub / name
            if not a.is_file():
                problems.append(f"{sub}/{name}: missing")
                continue
            ab, eb = a.read_bytes(), e.read_bytes()
            if name.endswith(".gz"):
                am, em = gzip_members(ab), gzip_members(eb)
                offsets[name] = ([m[0] for m in em], [m[0] for m in am])
                if ab != eb:
                    if [(ok, c) for _, ok, c in am] == [(ok, c) for _, ok, c in em]:
                        notes.append(f"{sub}/{name}: same content, compressed differently (another zlib?)")
                    else:
                        problems.append(f"{sub}/{name}: content differs")
            elif ab != eb:
                if name in ("labels.jsonl", "stories.jsonl") and offsets:
                    warcs = [k for k in offsets if k in WARC_FILES]
                    exp_rows = _logical_labels(eb.decode("utf-8"), {k: offsets[k][0] for k in warcs})
                    try:
                        act_rows = _logical_labels(ab.decode("utf-8"), {k: offsets[k][1] for k in warcs})
                    except (KeyError, ValueError, TypeError, AttributeError):
                        act_rows = None
                    if exp_rows == act_rows:
                        notes.append(f"{sub}/{name}: same labels, offsets differ with the compression")
                        continue
                problems.append(f"{sub}/{name}: content differs")
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    return problems


# ---- main ---------------------------------------------------------------------------------------

def summary(result: dict, out_dir: Path) -> str:
    rows = result["rows"]
    rel = Counter(r["relation"] for r in rows)
    lines = [f"{len(rows)} documents ({len(result['stories'])} stories):"]
    lines += [f"  {k:16s} {v}" for k, v in sorted(rel.items())]
    variants = Counter(r["variant"] for r in rows if r["variant"])
    lines.append("  variants: " + ", ".join(f"{k}={v}" for k, v in sorted(variants.items())))
    reasons = Counter(r["reason"] for r in rows if r["reason"])
    lines.append("  rejects:  " + ", ".join(f"{k}={v}" for k, v in sorted(reasons.items())))
    lic = Counter(r["licence_expected"] for r in rows)
    lines.append("  licences: " + ", ".join(f"{k}={v}" for k, v in sorted(lic.items(), key=str)))
    total = 0
    for name in GENERATED["crawl"]:
        size = (out_dir / "crawl" / name).stat().st_size
        total += size
        lines.append(f"  {name:24s} {size:>9,d} bytes")
    lines.append(f"  {'total':24s} {total:>9,d} bytes")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="folder that gets crawl/ and labels/ (default: samples/)")
    ap.add_argument("--check", action="store_true",
                    help="regenerate in a temporary folder and exit 1 if --out differs from it")
    args = ap.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory(prefix="dedup-sample-") as tmp:
            generate(Path(tmp))
            problems = compare(Path(tmp), args.out)
        if problems:
            print("sample is out of date (run `python scripts/make_sample.py`):", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
            return 1
        print(f"{args.out / 'crawl'} is up to date")
        return 0
    crawl = args.out / "crawl"
    if crawl.is_dir():  # the folder is generated: drop stale generated files
        for p in crawl.iterdir():
            if p.is_file() and p.name.startswith("sample-") and p.name not in GENERATED["crawl"]:
                p.unlink()
    with tempfile.TemporaryDirectory(prefix="dedup-sample-") as tmp:
        result = generate(Path(tmp))
        for sub, names in GENERATED.items():
            (args.out / sub).mkdir(parents=True, exist_ok=True)
            for name in names:
                shutil.copyfile(Path(tmp) / sub / name, args.out / sub / name)
    print(summary(result, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
