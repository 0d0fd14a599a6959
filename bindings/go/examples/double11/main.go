// Command double11 runs the example marketplace's rules from Go: it routes the Double 11
// tickets to the example agents, says where each ticket's SLA clocks stand, and decides a
// refund request, all from the files under examples/. From bindings/go (docs/bindings.md):
//
//	go run ./examples/double11 [-at INSTANT] [REPOSITORY_ROOT]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"aftersales.dev/aftersales"
)

func main() {
	at := flag.String("at", "2026-11-13T12:00:00+08:00", "the instant the SLA clocks are read at")
	flag.Parse()
	log.SetFlags(0)
	root := "../.." // the repository root, seen from bindings/go
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	examples := filepath.Join(root, "examples")
	policyPath := filepath.Join(examples, "policies", "cn-marketplace.json")

	policy, err := aftersales.LoadPolicyFile(policyPath)
	if err != nil {
		log.Fatalf("%s: %v", policyPath, err)
	}
	defer policy.Close()
	fmt.Printf("aftersales %s, policy examples/policies/cn-marketplace.json\n", aftersales.Version())

	tickets := readLines(filepath.Join(examples, "tickets", "double11.jsonl"))
	route(policy, readFile(filepath.Join(examples, "agents", "cn-agents.json")), tickets)
	now, err := aftersales.ParseInstant(*at)
	if err != nil {
		log.Fatalf("-at: %v", err)
	}
	sla(policy, tickets, now)
	refund(policy, readFile(filepath.Join(examples, "refunds", "double11-socks.json")))
}

// route routes the tickets in the order they were created, each at its creation, then
// dispatches what waited at the last one.
func route(policy *aftersales.Policy, agentsDoc []byte, tickets [][]byte) {
	router, err := aftersales.NewRouter(policy)
	if err != nil {
		log.Fatal(err)
	}
	defer router.Close()
	var agents struct{ Agents []json.RawMessage }
	if err := json.Unmarshal(agentsDoc, &agents); err != nil {
		log.Fatalf("agents: %v", err)
	}
	for _, agent := range agents.Agents {
		if err := router.UpsertAgent(agent); err != nil {
			log.Fatalf("agent: %v", err)
		}
	}

	type created struct {
		ticket []byte
		at     time.Time
	}
	var order []created
	for _, ticket := range tickets {
		var head struct {
			CreatedAt string `json:"created_at"`
		}
		if err := json.Unmarshal(ticket, &head); err != nil {
			log.Fatalf("ticket: %v", err)
		}
		at, err := aftersales.ParseInstant(head.CreatedAt)
		if err != nil {
			log.Fatalf("ticket: %v", err)
		}
		order = append(order, created{ticket, at})
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].at.Before(order[j].at) })

	fmt.Printf("\nRouting %d tickets to %d agents\n", len(order), len(agents.Agents))
	for _, c := range order {
		text, err := router.Route(c.ticket, c.at)
		if err != nil {
			log.Fatalf("route: %v", err)
		}
		printDecision(text)
	}
	last := order[len(order)-1].at
	decisions, err := router.Dispatch(last)
	if err != nil {
		log.Fatal(err)
	}
	var dispatched []json.RawMessage
	if err := json.Unmarshal(decisions, &dispatched); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dispatch: %d more assigned\n", len(dispatched))
	counts, err := router.Counts()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("router: %d agents (%d online), %d tickets assigned, %d waiting\n",
		counts.Agents, counts.Online, counts.Assigned, counts.Waiting)
}

func printDecision(text []byte) {
	var d struct {
		Ticket, Queue string
		Agent         *string
		Bot, Waiting  bool
	}
	if err := json.Unmarshal(text, &d); err != nil {
		log.Fatal(err)
	}
	to := "waits"
	switch {
	case d.Agent != nil:
		to = "agent " + *d.Agent
	case d.Bot:
		to = "the bot"
	}
	fmt.Printf("  %-7s %-13s -> %s\n", d.Ticket, d.Queue, to)
}

// sla says where each ticket's clocks stand at now.
func sla(policy *aftersales.Policy, tickets [][]byte, now time.Time) {
	reports, err := policy.EvaluateSLALines(joinLines(tickets), now, aftersales.Batch{})
	if err != nil {
		log.Fatal(err)
	}
	when, _ := aftersales.FormatInstant(now)
	fmt.Printf("\nSLA at %s\n", when)
	for _, line := range strings.Split(strings.TrimSuffix(string(reports), "\n"), "\n") {
		var r struct {
			Ticket  string
			Policy  *string
			Error   string
			Line    int
			Metrics []struct{ Metric, State string }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			log.Fatal(err)
		}
		if r.Error != "" {
			fmt.Printf("  line %d: %s\n", r.Line, r.Error)
			continue
		}
		states := make([]string, 0, len(r.Metrics))
		for _, m := range r.Metrics {
			states = append(states, m.Metric+" "+m.State)
		}
		policyID := "-"
		if r.Policy != nil {
			policyID = *r.Policy
		}
		fmt.Printf("  %-7s %-12s %s\n", r.Ticket, policyID, strings.Join(states, ", "))
	}
}

// refund decides the request and says why.
func refund(policy *aftersales.Policy, request []byte) {
	text, err := policy.CheckRefund(request)
	if err != nil {
		log.Fatal(err)
	}
	var d struct {
		Eligible   bool
		Resolution string
		Refund     struct{ Currency, Total string }
		Reasons    []struct{ Code, Message string }
	}
	if err := json.Unmarshal(text, &d); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\nRefund: eligible %v, %s %s %s\n", d.Eligible, d.Resolution, d.Refund.Total, d.Refund.Currency)
	for _, r := range d.Reasons {
		fmt.Printf("  %s: %s\n", r.Code, r.Message)
	}
}

func readFile(path string) []byte {
	text, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return text
}

func readLines(path string) [][]byte {
	var lines [][]byte
	for _, line := range strings.Split(string(readFile(path)), "\n") {
		if strings.TrimSpace(line) != "" {
			lines = append(lines, []byte(line))
		}
	}
	return lines
}

func joinLines(lines [][]byte) []byte {
	var b strings.Builder
	for _, line := range lines {
		b.Write(line)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
