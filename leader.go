package beredskap

import "context"

// Leadership chooses, among every process that shares one database, the one
// that runs a background job: the follow-up planner, the SMS worker, the
// digests, the watch on rule changes, and any job that must not run twice
// at once (audit checkpoints, purges). PostgreSQL's store holds a session
// advisory lock per job on a connection of its own; SQLite's, with one
// process per file, always leads.
type Leadership interface {
	// Lead runs fn while this process leads the job named job, and again
	// each time it wins the lead back, until ctx ends; between turns it
	// waits and tries again. fn's context ends when ctx ends or the lead
	// is lost (the database went away or stopped answering), and fn must
	// then return soon. Lead returns when ctx has ended and fn has
	// returned. Leading is a matter of efficiency and order, not of
	// correctness alone: a lost lead is noticed within seconds, so work
	// that must happen at most once still commits a marker first.
	Lead(ctx context.Context, job string, fn func(ctx context.Context))
}
