/*
 * The runner of user-specified jobs: one thread that performs each due job's payload (a Redfish
 * request against this service) through the router, as the user who created the job and with that
 * user's privileges at the time it runs, and records the outcome in the job. It also starts the
 * runs of scheduled jobs when they are due. It never calls civetweb.
 */
#ifndef RF_JOB_RUNNER_H
#define RF_JOB_RUNNER_H

struct app;
struct job_runner;

/* Starts the runner thread. Returns the runner, or NULL when it cannot start. */
struct job_runner *job_runner_start(struct app *app);

/* Stops the thread (after the payload it is performing, if any) and frees the runner. NULL-safe. */
void job_runner_stop(struct job_runner *r);

/* Asks the runner to look for due jobs now (a job was created or changed). NULL-safe. */
void job_runner_wake(struct job_runner *r);

/* Looks for due jobs and runs them, in the caller's thread; for tests. Returns how many ran. */
int job_runner_run_due(struct app *app);

#endif
