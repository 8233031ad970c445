#!/usr/bin/env python3
"""Reads a running Mitra's feeds with third-party parsers, as a calendar or feed reader would.

    python tests/feeds/check_feeds.py http://127.0.0.1:8080

The server must hold the demo data: the calendar must list the example events and training with the right times in
UTC, and the Atom feeds must be well-formed and hold what their search finds, in the reader's language.
"""

import datetime
import sys
import urllib.request

import feedparser
import icalendar


def get(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), response.headers.get("Content-Type", "")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"feed check failed: {message}")


def main() -> None:
    base = sys.argv[1].rstrip("/")

    body, content_type = get(f"{base}/feeds/calendar.ics")
    check(content_type.startswith("text/calendar"), f"calendar content type {content_type}")
    calendar = icalendar.Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    check(len(events) >= 5, f"{len(events)} events and training in the demo calendar, expected at least 5")
    uids = [str(e["UID"]) for e in events]
    check(len(set(uids)) == len(uids), "every UID is unique")
    for event in events:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        check(start.tzinfo is not None and start.utcoffset() == datetime.timedelta(0), f"{event['UID']} starts in UTC")
        check(start < end, f"{event['UID']} ends after it starts")
        check(str(event["URL"]).startswith(base + "/entries/"), f"{event['UID']} links to its entry")
        check(str(event["SUMMARY"]).startswith("Example"), f"{event['UID']} is marked as an example")
    visit = next(e for e in events if str(e["UID"]).startswith("example-event-flood-exchange-visit@"))
    # 09:00 in Bangkok (UTC+7).
    check(visit.decoded("DTSTART") == datetime.datetime(2027, 2, 15, 2, 0, tzinfo=datetime.timezone.utc),
          f"the Bangkok visit starts at 02:00 UTC, not {visit.decoded('DTSTART')}")
    check("," in str(visit["DESCRIPTION"]), "escaped commas come back as commas")

    body, content_type = get(f"{base}/feeds/entries.atom?kind=event")
    check(content_type.startswith("application/atom+xml"), f"feed content type {content_type}")
    feed = feedparser.parse(body)
    check(not feed.bozo, f"the Atom feed is well-formed: {feed.get('bozo_exception')}")
    check(len(feed.entries) == 3, f"the event feed holds the 3 example events, not {len(feed.entries)}")
    check(all(e.link.startswith(base + "/entries/") for e in feed.entries), "feed entries link to their entries")

    chinese = feedparser.parse(get(f"{base}/feeds/entries.atom?kind=event&lang=zh-Hans")[0])
    check(not chinese.bozo and all(e.title.startswith("示例") for e in chinese.entries),
          "a Chinese reader's feed has the Chinese titles")

    searched = feedparser.parse(get(f"{base}/feeds/entries.atom?q=flood")[0])
    check(not searched.bozo and len(searched.entries) >= 2, "a saved search has its own feed")
    print(f"feeds: {len(events)} calendar events and {len(feed.entries)} + {len(searched.entries)} feed entries "
          f"read with icalendar {icalendar.__version__} and feedparser {feedparser.__version__}")


if __name__ == "__main__":
    main()
