package aftersales

/*
#include <aftersales.h>
*/
import "C"

// Workload is the traffic a queue is offered (docs/staffing.md).
type Workload struct {
	Contacts  float64 // contacts offered per interval
	IntervalS float64 // the interval, seconds (1800 for half an hour)
	AHTS      float64 // average handle time, seconds
	PatienceS float64 // mean patience before abandoning, seconds: Erlang A only
}

// Goal is the service a queue must give.
type Goal struct {
	AnswerTimeS  float64 // the answer-time target, seconds
	ServiceLevel float64 // share of contacts answered within AnswerTimeS, in (0, 1)
	MaxOccupancy float64 // the highest share of agent time spent handling, in (0, 1]
	Shrinkage    float64 // the share of scheduled time not on the phones, in [0, 1)
}

// StaffingResult is how a queue performs with Agents agents.
type StaffingResult struct {
	Agents          int     // agents taking contacts
	Scheduled       int     // agents to schedule: ceil(Agents / (1 - shrinkage))
	Traffic         float64 // offered load in Erlangs
	ServiceLevel    float64 // share answered within the answer time
	ProbabilityWait float64 // share that find every agent busy
	ASAS            float64 // average speed of answer, seconds (+Inf when overloaded)
	Occupancy       float64 // share of agent time spent handling contacts
	Abandonment     float64 // Erlang A: share that abandon; 0 for Erlang C
}

func staffing(f func(out *C.aftersales_staffing_result, outError **C.char) C.int) (StaffingResult, error) {
	var r C.aftersales_staffing_result
	if err := call(func(outError **C.char) C.int { return f(&r, outError) }); err != nil {
		return StaffingResult{}, err
	}
	return StaffingResult{
		Agents: int(r.agents), Scheduled: int(r.scheduled), Traffic: float64(r.traffic),
		ServiceLevel: float64(r.service_level), ProbabilityWait: float64(r.probability_wait),
		ASAS: float64(r.asa_s), Occupancy: float64(r.occupancy), Abandonment: float64(r.abandonment),
	}, nil
}

// ErlangC is how the queue performs with agents agents under Erlang C (no abandonment).
func ErlangC(w Workload, agents int, answerTimeS float64) (StaffingResult, error) {
	return staffing(func(out *C.aftersales_staffing_result, outError **C.char) C.int {
		return C.aftersales_staffing_erlang_c(C.double(w.Contacts), C.double(w.IntervalS), C.double(w.AHTS),
			C.int(agents), C.double(answerTimeS), out, outError)
	})
}

// ErlangCRequired is the fewest agents meeting the goal under Erlang C.
func ErlangCRequired(w Workload, g Goal) (StaffingResult, error) {
	return staffing(func(out *C.aftersales_staffing_result, outError **C.char) C.int {
		return C.aftersales_staffing_erlang_c_required(C.double(w.Contacts), C.double(w.IntervalS),
			C.double(w.AHTS), C.double(g.AnswerTimeS), C.double(g.ServiceLevel), C.double(g.MaxOccupancy),
			C.double(g.Shrinkage), out, outError)
	})
}

// ErlangA is how the queue performs with agents agents when customers abandon after a mean
// patience of w.PatienceS seconds.
func ErlangA(w Workload, agents int, answerTimeS float64) (StaffingResult, error) {
	return staffing(func(out *C.aftersales_staffing_result, outError **C.char) C.int {
		return C.aftersales_staffing_erlang_a(C.double(w.Contacts), C.double(w.IntervalS), C.double(w.AHTS),
			C.double(w.PatienceS), C.int(agents), C.double(answerTimeS), out, outError)
	})
}

// ErlangARequired is the fewest agents meeting the goal under Erlang A.
func ErlangARequired(w Workload, g Goal) (StaffingResult, error) {
	return staffing(func(out *C.aftersales_staffing_result, outError **C.char) C.int {
		return C.aftersales_staffing_erlang_a_required(C.double(w.Contacts), C.double(w.IntervalS),
			C.double(w.AHTS), C.double(w.PatienceS), C.double(g.AnswerTimeS), C.double(g.ServiceLevel),
			C.double(g.MaxOccupancy), C.double(g.Shrinkage), out, outError)
	})
}
