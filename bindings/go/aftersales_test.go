package aftersales_test

// The scenarios and figures below are those of the C tests (tests/capi/*.c), worked out by hand
// there, arithmetic in the comments; they are restated here, never copied from the library's
// output.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aftersales.dev/aftersales"
)

// The weekdays calendar of tests/capi/weekdays.h: Asia/Shanghai (UTC+8, no DST since 1991),
// Monday to Friday 09:00-18:00.
const weekdaysPolicy = `{"schema_version": 1, "calendars": {"weekdays": ` +
	`{"timezone": "Asia/Shanghai", "hours": {"mon-fri": ["09:00-18:00"]}}}}`

// Days from 1970-01-01 to 2026-11-13: 56 years of 365 days + 14 leap days (1972-2024) + 316
// days into 2026 (Jan-Oct 304 + 12) = 20770, a Friday (20770 = 7 * 2967 + 1, and 1970-01-01
// was a Thursday). 2026-11-13T00:00Z = 20770 * 86400000 ms = 1794528000000, 08:00 in Shanghai.
const (
	hour       = time.Hour
	fri0000    = 1794499200000 // Fri 13 Nov 00:00 +08:00 = 1794528000000 - 8 h
	fri0859999 = 1794531599999 // Fri 08:59:59.999 +08:00 = 1794528000000 + 1 h - 1 ms
	fri0900    = 1794531600000 // Fri 09:00 +08:00 = 1794528000000 + 1 h
	fri1700    = 1794560400000 // Fri 17:00 +08:00 = 1794528000000 + 9 h
	fri1800    = 1794564000000 // Fri 18:00 +08:00 = 1794528000000 + 10 h
	sat1200    = 1794628800000 // Sat 14 Nov 12:00 +08:00 = 1794528000000 + 1 d + 4 h
	mon0000    = 1794758400000 // Mon 16 Nov 00:00 +08:00 = 1794528000000 + 3 d - 8 h
	mon0900    = 1794790800000 // Mon 16 Nov 09:00 +08:00 = mon0000 + 9 h
	mon1000    = 1794794400000 // Mon 16 Nov 10:00 +08:00 = mon0000 + 10 h
	mon1800    = 1794823200000 // Mon 16 Nov 18:00 +08:00 = mon0000 + 18 h
	fri201800  = 1795168800000 // Fri 20 Nov 18:00 +08:00 = mon0000 + 4 d + 18 h
	mon230000  = 1795363200000 // Mon 23 Nov 00:00 +08:00 = mon0000 + 7 d
)

func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

// mustPolicy loads doc or stops the test; the policy is closed when the test ends.
func mustPolicy(t *testing.T, doc string) *aftersales.Policy {
	t.Helper()
	p, err := aftersales.LoadPolicy([]byte(doc))
	if err != nil {
		t.Fatalf("LoadPolicy: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func mustCalendar(t *testing.T) *aftersales.Calendar {
	t.Helper()
	c, err := mustPolicy(t, weekdaysPolicy).Calendar("weekdays")
	if err != nil {
		t.Fatalf("Calendar: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// wantError checks that err is an *aftersales.Error of status want whose message holds each
// fragment.
func wantError(t *testing.T, err error, want aftersales.Status, fragments ...string) {
	t.Helper()
	var e *aftersales.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *aftersales.Error of %v", err, want)
	}
	if !errors.Is(err, want) || e.Status != want {
		t.Errorf("got status %v, want %v (%v)", e.Status, want, err)
	}
	for _, fragment := range fragments {
		if !strings.Contains(e.Message, fragment) {
			t.Errorf("message %q lacks %q", e.Message, fragment)
		}
	}
}

func wantContains(t *testing.T, text []byte, fragments ...string) {
	t.Helper()
	for _, fragment := range fragments {
		if !bytes.Contains(text, []byte(fragment)) {
			t.Errorf("%s\nlacks %s", text, fragment)
		}
	}
}

func TestVersion(t *testing.T) {
	if aftersales.Version() != aftersales.HeaderVersion {
		t.Errorf("library %s, header %s", aftersales.Version(), aftersales.HeaderVersion)
	}
	var major, minor, patch int
	if _, err := fmt.Sscanf(aftersales.Version(), "%d.%d.%d", &major, &minor, &patch); err != nil {
		t.Fatal(err)
	}
	if got, want := aftersales.VersionNumber(), major*10000+minor*100+patch; got != want {
		t.Errorf("VersionNumber() = %d, want %d", got, want)
	}
}

func TestPolicyErrors(t *testing.T) {
	// Three independent mistakes in three calendars, each reported on a line of its own.
	bad := `{"schema_version": 1, "calendars": {` +
		`"a": {"timezone": "Mars/Olympus_Mons", "hours": {"mon": ["09:00-18:00"]}},` +
		`"b": {"timezone": "UTC", "hours": {"mon": ["25:00-26:00"], "tue": ["09:00-18:00"]}},` +
		`"c": {"timezone": "UTC", "hours": "24x7", "colour": "red"}}}`
	p, err := aftersales.LoadPolicy([]byte(bad))
	if p != nil {
		t.Error("a policy came back with the error")
	}
	wantError(t, err, aftersales.ErrPolicy, "calendars.a.timezone: ", "\ncalendars.b.hours.mon[0]: ",
		"\ncalendars.c.colour: ")
	if errors.Is(err, aftersales.ErrInput) {
		t.Error("a policy error is also an input error")
	}
	_, err = aftersales.LoadPolicy(nil)
	wantError(t, err, aftersales.ErrPolicy)
}

func TestPolicyFileAndJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(weekdaysPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := aftersales.LoadPolicyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	doc, err := p.JSON()
	if err != nil || string(doc) != weekdaysPolicy {
		t.Errorf("JSON() = %q, %v; want the document byte for byte", doc, err)
	}
	missing := filepath.Join(t.TempDir(), "none.json")
	_, err = aftersales.LoadPolicyFile(missing)
	wantError(t, err, aftersales.ErrInput, missing)
	_, err = aftersales.LoadPolicyFile("a\x00b")
	wantError(t, err, aftersales.ErrInvalidArgument, "path holds a NUL byte")

	// A closed handle is an error value, not a crash; closing twice is harmless.
	p.Close()
	p.Close()
	_, err = p.Calendar("weekdays")
	wantError(t, err, aftersales.ErrInvalidArgument)
}

func TestCalendarLookup(t *testing.T) {
	p := mustPolicy(t, weekdaysPolicy)
	_, err := p.Calendar("weekends")
	wantError(t, err, aftersales.ErrNotFound, "weekends", "weekdays")
}

func TestCalendarIsOpenAndNextOpen(t *testing.T) {
	c := mustCalendar(t)
	for _, tc := range []struct {
		at   int64
		open bool
	}{
		{fri0859999, false}, {fri0900, true}, {fri1700, true},
		{fri1800, false}, // an interval's end is not inside it
		{sat1200, false},
	} {
		if open, err := c.IsOpen(ms(tc.at)); err != nil || open != tc.open {
			t.Errorf("IsOpen(%d) = %v, %v; want %v", tc.at, open, err, tc.open)
		}
	}
	for _, tc := range []struct{ at, want int64 }{
		{fri0859999, fri0900}, {fri1700, fri1700},
		{fri1800, mon0900}, // closed from Friday 18:00 over the weekend until Monday 09:00
		{sat1200, mon0900},
	} {
		if got, err := c.NextOpen(ms(tc.at)); err != nil || !got.Equal(ms(tc.want)) {
			t.Errorf("NextOpen(%d) = %v, %v; want %v", tc.at, got, err, ms(tc.want))
		}
	}
}

func TestCalendarAdd(t *testing.T) {
	c := mustCalendar(t)
	for _, tc := range []struct {
		at   int64
		d    time.Duration
		want int64
	}{
		{fri1700, hour, fri1800},                          // lands on the 18:00 close, not Monday's opening
		{fri1700, 2 * hour, mon1000},                      // 1 h on Friday + 1 h on Monday
		{sat1200, 0, sat1200},                             // adding 0 is the identity
		{sat1200, hour, mon1000},                          // Monday 09:00-10:00
		{fri0000, 9 * hour, fri1800},                      // all of Friday
		{fri0000, 9*hour + time.Millisecond, mon0900 + 1}, // one more millisecond
		{mon0000, 45 * hour, fri201800},                   // a working week: 5 * 9 h
	} {
		if got, err := c.Add(ms(tc.at), tc.d); err != nil || !got.Equal(ms(tc.want)) {
			t.Errorf("Add(%d, %v) = %v, %v; want %v", tc.at, tc.d, got, err, ms(tc.want))
		}
	}
	_, err := c.Add(ms(fri0900), -time.Millisecond)
	wantError(t, err, aftersales.ErrInput)
	// 1970-2200 holds about 231 years, and 231 years of 45-hour weeks do not fit in it.
	_, err = c.Add(ms(fri0900), 231*365*24*hour)
	wantError(t, err, aftersales.ErrOutOfRange)
}

func TestCalendarBetween(t *testing.T) {
	c := mustCalendar(t)
	for _, tc := range []struct {
		from, to int64
		want     time.Duration
	}{
		{fri1700, mon1000, 2 * hour},  // Friday 17:00-18:00 and Monday 09:00-10:00
		{mon1000, fri1700, -2 * hour}, // negative when to is before from
		{fri0000, mon0000, 9 * hour},  // the weekend adds nothing
		{mon0000, mon230000, 45 * hour},
		{sat1200, sat1200 + 24*3600000, 0},
	} {
		if got, err := c.Between(ms(tc.from), ms(tc.to)); err != nil || got != tc.want {
			t.Errorf("Between(%d, %d) = %v, %v; want %v", tc.from, tc.to, got, err, tc.want)
		}
	}
	_, err := c.IsOpen(ms(-1))
	wantError(t, err, aftersales.ErrOutOfRange)
}

func TestCalendarBackwardsAndByBusinessDays(t *testing.T) {
	c := mustCalendar(t)
	for _, tc := range []struct {
		at   int64
		d    time.Duration
		want int64
	}{
		{mon1000, hour, mon0900},     // Monday 09:00-10:00
		{mon1000, 2 * hour, fri1700}, // 1 h on Monday + 1 h on Friday
		{sat1200, hour, fri1700},     // from the weekend, Friday's last hour
		{fri1800, 9 * hour, fri0900}, // all of Friday
		{sat1200, 0, sat1200},        // subtracting 0 is the identity
	} {
		if got, err := c.Subtract(ms(tc.at), tc.d); err != nil || !got.Equal(ms(tc.want)) {
			t.Errorf("Subtract(%d, %v) = %v, %v; want %v", tc.at, tc.d, got, err, ms(tc.want))
		}
	}
	_, err := c.Subtract(ms(fri0900), -time.Millisecond)
	wantError(t, err, aftersales.ErrInput, "use add")
	closes := []struct {
		name     string
		f        func(time.Time) (time.Time, error)
		at, want int64
	}{
		{"NextClose", c.NextClose, fri1700, fri1800},
		{"NextClose", c.NextClose, fri1800, mon1800}, // exactly at a close: the next interval's end
		{"NextClose", c.NextClose, sat1200, mon1800},
		{"PreviousClose", c.PreviousClose, fri1800, fri1800}, // exactly at a close: itself
		{"PreviousClose", c.PreviousClose, mon1000, fri1800},
	}
	for _, tc := range closes {
		if got, err := tc.f(ms(tc.at)); err != nil || !got.Equal(ms(tc.want)) {
			t.Errorf("%s(%d) = %v, %v; want %v", tc.name, tc.at, got, err, ms(tc.want))
		}
	}
	for _, tc := range []struct {
		at   int64
		n    int
		want int64
	}{
		{fri1700, 0, fri1800},             // Friday is a business day: its own end
		{sat1200 + 8*3600000, 0, mon1800}, // Saturday is not: Monday's end
		{fri1700, 1, mon1800},
		{fri1700, 5, fri201800}, // Mon 16 to Fri 20
	} {
		if got, err := c.BusinessDayEnd(ms(tc.at), tc.n); err != nil || !got.Equal(ms(tc.want)) {
			t.Errorf("BusinessDayEnd(%d, %d) = %v, %v; want %v", tc.at, tc.n, got, err, ms(tc.want))
		}
	}
	_, err = c.BusinessDayEnd(ms(fri1700), -1)
	wantError(t, err, aftersales.ErrInput)
	for _, tc := range []struct {
		from, to int64
		want     int64
	}{
		{fri1700, mon230000, 6}, // Mon 16 to Fri 20, and Mon 23
		{mon230000, fri1700, -6},
		{fri0000, fri1800, 0}, // the same date
	} {
		if got, err := c.BusinessDaysBetween(ms(tc.from), ms(tc.to)); err != nil || got != tc.want {
			t.Errorf("BusinessDaysBetween(%d, %d) = %v, %v; want %v", tc.from, tc.to, got, err, tc.want)
		}
	}
}

func TestCalendarOutlivesPolicy(t *testing.T) {
	p, err := aftersales.LoadPolicy([]byte(weekdaysPolicy))
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Calendar("weekdays")
	p.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := c.NextOpen(ms(sat1200)); err != nil || !got.Equal(ms(mon0900)) {
		t.Errorf("NextOpen = %v, %v; want Monday 09:00", got, err)
	}
}

func TestInstants(t *testing.T) {
	// Friday 13 November 2026 09:00 in Shanghai is 01:00Z (fri0900 above).
	got, err := aftersales.ParseInstant("2026-11-13T09:00:00+08:00")
	if err != nil || !got.Equal(ms(fri0900)) {
		t.Errorf("ParseInstant = %v, %v; want %v", got, err, ms(fri0900))
	}
	for _, tc := range []struct {
		at   int64
		want string
	}{
		{fri0900, "2026-11-13T01:00:00Z"},
		{fri0859999, "2026-11-13T00:59:59.999Z"}, // the fraction only when there is one
	} {
		if text, err := aftersales.FormatInstant(ms(tc.at)); err != nil || text != tc.want {
			t.Errorf("FormatInstant(%d) = %q, %v; want %q", tc.at, text, err, tc.want)
		}
	}
	_, err = aftersales.ParseInstant("13 November 2026")
	wantError(t, err, aftersales.ErrInput)
	_, err = aftersales.FormatInstant(ms(-1))
	wantError(t, err, aftersales.ErrOutOfRange)
}

// The shared fixture set (tests/fixtures/sla, worked by hand in its README.md): at.txt holds
// 2026-11-18T12:00:00+08:00 = 04:00Z, five days and four hours after 2026-11-13T00:00Z.
const slaAt = 1794528000000 + 5*86400000 + 4*3600000

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "..", "tests", "fixtures", "sla", name))
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestSLA(t *testing.T) {
	doc := readFixture(t, "policy.json")
	p := mustPolicy(t, string(doc))
	tickets := readFixture(t, "tickets.jsonl")
	expected := readFixture(t, "expected.jsonl")
	if !bytes.HasPrefix(readFixture(t, "at.txt"), []byte("2026-11-18T12:00:00+08:00")) {
		t.Fatal("at.txt is not the instant slaAt stands for")
	}

	// Each ticket alone gives exactly its line of expected.jsonl.
	ticketLines := bytes.Split(bytes.TrimSuffix(tickets, []byte("\n")), []byte("\n"))
	expectedLines := bytes.Split(bytes.TrimSuffix(expected, []byte("\n")), []byte("\n"))
	if len(ticketLines) != 9 || len(expectedLines) != 9 {
		t.Fatalf("%d tickets and %d reports, want 9 of each", len(ticketLines), len(expectedLines))
	}
	for i, ticket := range ticketLines {
		report, err := p.EvaluateSLA(ticket, ms(slaAt))
		if err != nil || !bytes.Equal(report, expectedLines[i]) {
			t.Errorf("ticket %d: %s, %v\nwant %s", i+1, report, err, expectedLines[i])
		}
	}
	// The whole file, on one thread and on several.
	for _, threads := range []int{1, 3, 0} {
		reports, err := p.EvaluateSLALines(tickets, ms(slaAt), aftersales.Batch{Threads: threads})
		if err != nil || !bytes.Equal(reports, expected) {
			t.Errorf("%d threads: %v\n%s", threads, err, reports)
		}
	}
	// The file streamed to a reports file.
	reportsPath := filepath.Join(t.TempDir(), "reports.jsonl")
	ticketsPath := filepath.Join("..", "..", "tests", "fixtures", "sla", "tickets.jsonl")
	if err := p.EvaluateSLAFile(ticketsPath, reportsPath, ms(slaAt), 2); err != nil {
		t.Fatal(err)
	}
	if written, err := os.ReadFile(reportsPath); err != nil || !bytes.Equal(written, expected) {
		t.Errorf("EvaluateSLAFile wrote %s, %v", written, err)
	}

	// A malformed line is a record of its own, numbered from FirstLine; a bad ticket alone is
	// an error.
	reports, err := p.EvaluateSLALines([]byte("x\n"), ms(slaAt), aftersales.Batch{FirstLine: 41})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, reports, `{"line":41,"error":`)
	_, err = p.EvaluateSLA([]byte("{}"), ms(slaAt))
	wantError(t, err, aftersales.ErrInput)
}

// The routing policy of tests/capi/routing_test.c.
const routingPolicy = `{"schema_version": 1, "routing": {` +
	` "queues": [{"id": "returns"}, {"id": "general"}],` +
	` "rules": [{"id": "returns", "when": {"field": "category", "prefix": "after_sales/"}, "queue": "returns"}],` +
	` "default_queue": "general", "assignment": {"strategy": "least_loaded"}}}`

// 2026-03-02T10:00:00Z = 20514 days * 86400000 + 10 h.
const t0 = 1772445600000

func TestRouting(t *testing.T) {
	p := mustPolicy(t, routingPolicy)
	r, err := aftersales.NewRouter(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	t1 := []byte(`{"id": "T-1", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "category": "after_sales/return"}`)
	t2 := []byte(`{"id": "T-2", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "category": "after_sales/return"}`)

	if err := r.UpsertAgent([]byte(`{"id": "A-1", "queues": ["returns"], "capacity": {"chat": 1}}`)); err != nil {
		t.Fatal(err)
	}
	err = r.UpsertAgent([]byte(`{"id": "A-2", "queues": ["nowhere"], "capacity": {"chat": 1}}`))
	wantError(t, err, aftersales.ErrInput, `queues[0]: no queue "nowhere"`)

	// T-1 takes A-1's one chat place; T-2 waits.
	decision, err := r.Route(t1, ms(t0))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, decision, `"ticket":"T-1","queue":"returns","rule":"returns","agent":"A-1"`)
	decision, err = r.Route(t2, ms(t0))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, decision, `"agent":null,"bot":false,"priority":"normal","waiting":true`)
	_, err = r.Route(t1, ms(t0))
	wantError(t, err, aftersales.ErrInput, "already assigned to A-1")

	// A snapshot restored into a second router continues the same way.
	snapshot, err := r.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(snapshot, []byte(`{"format":"aftersales.router","version":3,`)) {
		t.Errorf("snapshot starts %.60s", snapshot)
	}
	restored, err := aftersales.RestoreRouter(p, snapshot)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	// Releasing T-1 and dispatching a minute later gives A-1 the waiting T-2.
	if err := restored.Release("A-1", "T-1"); err != nil {
		t.Fatal(err)
	}
	wantError(t, restored.Release("A-1", "T-1"), aftersales.ErrNotFound)
	decisions, err := restored.Dispatch(ms(t0 + 60000))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, decisions, `[{"ticket":"T-2","queue":"returns","rule":"returns","agent":"A-1"`)
	if decisions, err = restored.Dispatch(ms(t0 + 60000)); err != nil || string(decisions) != "[]" {
		t.Errorf("second dispatch: %s, %v; want []", decisions, err)
	}

	// Listings of the first router (tests/capi/routing_test.c): A-1 holds T-1 on chat and T-2
	// waits, with no due time (no SLA section). T-3, urgent, waits in general, where nobody
	// works: listed first, before T-2.
	t3 := []byte(`{"id": "T-3", "created_at": "2026-03-02T10:00:00Z", "channel": "chat", "priority": "urgent"}`)
	if decision, err = r.Route(t3, ms(t0+60000)); err != nil {
		t.Fatal(err)
	}
	wantContains(t, decision, `"waiting":true`)
	wantText(t, "Agents", r.Agents, `[{"id":"A-1","status":"online","queues":["returns"],"capacity":{"chat":1},`+
		`"load":{"chat":1},"total":1,"tickets":["T-1"]}]`)
	wantText(t, "Waiting", r.Waiting, `[{"ticket":"T-3","queue":"general","priority":"urgent","channel":"chat",`+
		`"waiting_since":"2026-03-02T10:01:00Z","due_at":null},`+
		`{"ticket":"T-2","queue":"returns","priority":"normal","channel":"chat",`+
		`"waiting_since":"2026-03-02T10:00:00Z","due_at":null}]`)
	wantCounts(t, r, aftersales.RouterCounts{Agents: 1, Online: 1, Waiting: 2, Assigned: 1})
	if withdrawn, err := r.Withdraw("T-3"); err != nil || !withdrawn {
		t.Errorf("Withdraw(T-3) = %v, %v; want true", withdrawn, err)
	}

	// Status, withdrawal and removal on the first router. Away, A-1 keeps T-1.
	if err := r.SetStatus("A-1", "away"); err != nil {
		t.Error(err)
	}
	agents, err := r.Agents()
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, agents, `{"id":"A-1","status":"away",`, `"tickets":["T-1"]}`)
	wantCounts(t, r, aftersales.RouterCounts{Agents: 1, Away: 1, Waiting: 1, Assigned: 1})
	wantError(t, r.SetStatus("A-1", "asleep"), aftersales.ErrInput)
	wantError(t, r.SetStatus("A-9", "online"), aftersales.ErrNotFound)
	if withdrawn, err := r.Withdraw("T-2"); err != nil || !withdrawn {
		t.Errorf("Withdraw(T-2) = %v, %v; want true", withdrawn, err)
	}
	if withdrawn, err := r.Withdraw("T-2"); err != nil || withdrawn {
		t.Errorf("Withdraw(T-2) again = %v, %v; want false", withdrawn, err)
	}
	if freed, err := r.RemoveAgent("A-1"); err != nil || string(freed) != `["T-1"]` {
		t.Errorf("RemoveAgent = %s, %v; want [\"T-1\"]", freed, err)
	}
	// Nobody left, nothing waiting.
	wantText(t, "Agents", r.Agents, "[]")
	wantText(t, "Waiting", r.Waiting, "[]")
	wantCounts(t, r, aftersales.RouterCounts{})

	// A router needs a routing section.
	_, err = aftersales.NewRouter(mustPolicy(t, weekdaysPolicy))
	wantError(t, err, aftersales.ErrNotFound)
}

// wantText checks that listing gives exactly want.
func wantText(t *testing.T, what string, listing func() ([]byte, error), want string) {
	t.Helper()
	if got, err := listing(); err != nil || string(got) != want {
		t.Errorf("%s() = %s, %v\nwant %s", what, got, err, want)
	}
}

func wantCounts(t *testing.T, r *aftersales.Router, want aftersales.RouterCounts) {
	t.Helper()
	if got, err := r.Counts(); err != nil || got != want {
		t.Errorf("Counts() = %+v, %v; want %+v", got, err, want)
	}
}

// The refund policy and request of tests/capi/refund_test.c.
const refundPolicy = `{"schema_version": 1, "refunds": {"policies": [{"id": "cn", "timezone": "Asia/Shanghai",` +
	` "reasons": {"no_reason": {"windows": {"return_refund": "7d"}, "from": "delivered",` +
	` "count_from": "next_day", "return_shipping": "buyer"}}}]}}`

// Two lines, 3 x 10.00 and 1 x 25.00 (goods 55.00), and a 5.00 coupon. In cents: 500 x 3000 /
// 5500 = 272 rest 4000 and 500 x 2500 / 5500 = 227 rest 1500; the 1 cent left goes to the
// larger rest, line A: A 273, B 227. A's units: 273 / 3 = 91 each, paid 1000 - 91 = 909: one
// unit refunds 9.09 with a 0.91 discount share. Delivered 11-07 10:00+08:00; counted from the
// next day, the 7 days end 11-15 00:00+08:00.
const refundRequest = `{"order": {"id": "O-1", "currency": "CNY", "placed_at": "2026-11-05T10:00:00+08:00",` +
	` "shipped_at": "2026-11-06T10:00:00+08:00", "delivered_at": "2026-11-07T10:00:00+08:00",` +
	` "lines": [{"id": "A", "unit_price": "10.00", "quantity": 3},` +
	` {"id": "B", "unit_price": "25.00", "quantity": 1}],` +
	` "discounts": [{"id": "coupon", "amount": "5.00"}]},` +
	` "items": [{"line": "A", "quantity": 1}], "reason": "no_reason",` +
	` "requested_at": "2026-11-14T23:59:00+08:00"}`

func TestRefund(t *testing.T) {
	p := mustPolicy(t, refundPolicy)
	decision, err := p.CheckRefund([]byte(refundRequest))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, decision, `"eligible":true`, `"total":"9.09"`, `"discount":"0.91"`, `"return_shipping":"buyer"`)

	// A minute later, the first minute outside the window: refused, which is not an error.
	late := strings.Replace(refundRequest, "2026-11-14T23:59", "2026-11-15T00:00", 1)
	decision, err = p.CheckRefund([]byte(late))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, decision, `"eligible":false`, `"code":"WINDOW_EXPIRED"`, "ended at 2026-11-15T00:00:00+08:00")

	bad := strings.Replace(refundRequest, `"10.00"`, `"1.005"`, 1)
	_, err = p.CheckRefund([]byte(bad))
	wantError(t, err, aftersales.ErrInput, "order.lines[0].unit_price")

	// Lines: the request, a blank line, and "not json" on line 3 (or 43 counted from 41).
	decisions, err := p.CheckRefundLines([]byte(refundRequest+"\n\nnot json\n"), aftersales.Batch{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(decisions, []byte(`{"eligible":true`)) {
		t.Errorf("first decision: %.40s", decisions)
	}
	wantContains(t, decisions, "\n{\"line\":3,\"error\":")
	decisions, err = p.CheckRefundLines([]byte(refundRequest+"\n\nnot json\n"), aftersales.Batch{FirstLine: 41})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, decisions, "\n{\"line\":43,\"error\":")
}

// The KPI policy and tickets of tests/capi/kpi_test.c: 24x7 in UTC, a 10-minute first-response
// target and a one-metric scorecard. A-1 answers in 5 minutes (300 s, achieved); A-2 in 20
// minutes (1200 s, breached).
const kpiPolicy = `{"schema_version": 1,` +
	` "calendars": {"utc": {"timezone": "UTC", "hours": "24x7"}},` +
	` "sla": {"policies": [{"id": "all", "calendar": "utc",` +
	`   "targets": {"normal": {"first_response": "10m"}}}]},` +
	` "kpi": {"scorecards": [{"id": "speed", "metrics":` +
	`   {"first_response_s.mean": {"weight": 1, "target": 60, "floor": 600}}}]}}`

const kpiTickets = `{"id": "1", "created_at": "2026-11-11T00:00:00Z", "events": [` +
	`{"at": "2026-11-11T00:05:00Z", "type": "agent_reply", "agent": "A-1"}]}` + "\n" +
	"\n" +
	`{"id": "2", "created_at": "2026-11-11T00:00:00Z", "events": [` +
	`{"at": "2026-11-11T00:20:00Z", "type": "agent_reply", "agent": "A-2"}]}` + "\n"

// 2026-11-12T00:00:00Z: 20,440 + 14 leap days + 315 days into 2026 = 20,769 days.
const kpiAt = 20769 * 86400000

func TestKPI(t *testing.T) {
	p := mustPolicy(t, kpiPolicy)
	// Both tickets in one group: first responses 300 and 1200 s, mean 750; SLA 1 of 2.
	result, err := p.ComputeKPI([]byte(kpiTickets), ms(kpiAt), nil, aftersales.Batch{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, result, `"first_response_s":{"count":2,"mean":750,"p50":300,"p90":300}`,
		`"first_response":{"achieved":1,"breached":1,"rate":0.5}`)

	// Both tickets were created at 00:00 UTC on the 11th: 08:00 that day in Shanghai.
	result, err = p.ComputeKPI([]byte(kpiTickets), ms(kpiAt),
		[]byte(`{"group_by": ["hour"], "time_zone": "Asia/Shanghai"}`), aftersales.Batch{})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, result, `{"key":{"hour":"2026-11-11T08"},"tickets":2,`)

	// Scorecard by agent: A-1 mean 300 s: (300 - 600) / (60 - 600) = 0.5556, score 55.5556;
	// A-2 1200 s is below the floor: 0. A-1 ranks first.
	card, err := p.Scorecard("speed", []byte(kpiTickets), ms(kpiAt), []byte(`{"group_by": ["agent"]}`),
		aftersales.Batch{})
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, card, `{"key":{"agent":"A-1"},"score":55.555556,"stars":1,"rank":1`,
		`{"key":{"agent":"A-2"},"score":0,"stars":1,"rank":2`)

	_, err = p.ComputeKPI([]byte(kpiTickets), ms(kpiAt), []byte(`{"group_by": ["week"], "time_zone": "Mars/Olympus"}`),
		aftersales.Batch{})
	wantError(t, err, aftersales.ErrInput, "time_zone")
	// A block that starts at line 41 of its file: the blank first line is 41, the bad one 42.
	_, err = p.ComputeKPI([]byte("\nx"), ms(kpiAt), nil, aftersales.Batch{FirstLine: 41})
	wantError(t, err, aftersales.ErrInput, "line 42:")
	_, err = p.Scorecard("nope", []byte(kpiTickets), ms(kpiAt), nil, aftersales.Batch{})
	wantError(t, err, aftersales.ErrNotFound)
}

func TestStaffing(t *testing.T) {
	// Erlang C, callcentrehelper.com's worked example: 100 calls / 30 min, AHT 180 s, 80% in
	// 20 s, occupancy <= 85%, shrinkage 30%: A = 10 Erlangs, 14 agents (SL 0.88835), 20
	// scheduled (14 / 0.7).
	w := aftersales.Workload{Contacts: 100, IntervalS: 1800, AHTS: 180}
	r, err := aftersales.ErlangCRequired(w, aftersales.Goal{AnswerTimeS: 20, ServiceLevel: 0.8, MaxOccupancy: 0.85,
		Shrinkage: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if r.Agents != 14 || r.Scheduled != 20 || r.Traffic != 10 || r.ServiceLevel < 0.88834 ||
		r.ServiceLevel > 0.88836 || r.Abandonment != 0 {
		t.Errorf("ErlangCRequired = %+v", r)
	}
	if r, err := aftersales.ErlangC(w, 13, 20); err != nil || r.ServiceLevel >= 0.8 {
		t.Errorf("13 agents: %+v, %v; want under 80%%", r, err)
	}
	// With customers who abandon, no more agents are needed, and some customers do abandon.
	w.PatienceS = 60
	r, err = aftersales.ErlangARequired(w, aftersales.Goal{AnswerTimeS: 20, ServiceLevel: 0.8, MaxOccupancy: 1})
	if err != nil || r.Agents > 14 || r.Abandonment <= 0 {
		t.Errorf("ErlangARequired = %+v, %v", r, err)
	}
	w.PatienceS = 0
	_, err = aftersales.ErlangA(w, 14, 20)
	wantError(t, err, aftersales.ErrInput, "patience_s")
}
