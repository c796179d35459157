// Parses an iCalendar file with ical.js (the parser Thunderbird uses) and prints its calendar
// properties and components as JSON, for the Python tests to compare with other parsers.
// Usage: node parse.mjs FILE.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));

const value = (comp, name) => {
  const v = comp.getFirstPropertyValue(name);
  return v === null || v === undefined ? null : v.toString();
};
const when = (comp, name) => {
  const v = comp.getFirstPropertyValue(name);
  return v ? { value: v.toString(), isDate: v.isDate } : null;
};

const items = [];
for (const kind of ["vevent", "vtodo"]) {
  for (const c of calendar.getAllSubcomponents(kind)) {
    items.push({
      kind,
      uid: value(c, "uid"),
      summary: value(c, "summary"),
      description: value(c, "description"),
      dtstart: when(c, "dtstart"),
      dtend: when(c, "dtend"),
      due: when(c, "due"),
      status: value(c, "status"),
      sequence: c.getFirstPropertyValue("sequence"),
      url: value(c, "url"),
      rrule: value(c, "rrule"),
      categories: c.getAllProperties("categories").flatMap((p) => p.getValues()),
      alarms: c.getAllSubcomponents("valarm").map((a) => value(a, "trigger")),
    });
  }
}
console.log(
  JSON.stringify({
    name: value(calendar, "name"),
    calname: value(calendar, "x-wr-calname"),
    refresh: value(calendar, "refresh-interval"),
    items,
  }),
);
