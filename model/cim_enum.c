/* The CIM value maps of the job classes; see cim_enum.h. */
#include "cim_enum.h"

#include <string.h>

#define ENTRY(name, value, text) {value, text},
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define DMTF_RESERVED "DMTF Reserved"
#define VENDOR_RESERVED "Vendor Reserved"

static const struct cim_enum_value job_state_values[] = {JOB_STATE_MAP(ENTRY)};
static const struct cim_enum_range job_state_ranges[] = {
    {13, 32767, DMTF_RESERVED},
    {32768, 65535, VENDOR_RESERVED},
};
const struct cim_enum cim_enum_job_state = {"JobState",
                                            0,
                                            65535,
                                            job_state_values,
                                            COUNT(job_state_values),
                                            job_state_ranges,
                                            COUNT(job_state_ranges)};

static const struct cim_enum_value req_values[] = {JOB_REQ_MAP(ENTRY)};
static const struct cim_enum_range req_ranges[] = {
    {7, 32767, DMTF_RESERVED},
    {32768, 65535, VENDOR_RESERVED},
};
const struct cim_enum cim_enum_requested_state = {
    "RequestedState", 0, 65535, req_values, COUNT(req_values), req_ranges, COUNT(req_ranges)};

static const struct cim_enum_value rc_values[] = {JOB_RC_MAP(ENTRY)};
static const struct cim_enum_range rc_ranges[] = {
    {7, 4095, DMTF_RESERVED},
    {4100, 32767, "Method Reserved"},
    {32768, 65535, "Vendor Specific"},
};
const struct cim_enum cim_enum_rsc_return = {
    "RequestStateChange", 0, 65535, rc_values, COUNT(rc_values), rc_ranges, COUNT(rc_ranges)};

static const struct cim_enum_value kill_values[] = {JOB_KILL_RC_MAP(ENTRY)};
static const struct cim_enum_range kill_ranges[] = {
    {8, 32767, DMTF_RESERVED},
    {32768, 65535, "Vendor Specific"},
};
const struct cim_enum cim_enum_kill_job_return = {
    "KillJob", 0, 65535, kill_values, COUNT(kill_values), kill_ranges, COUNT(kill_ranges)};

static const struct cim_enum_value get_error_values[] = {JOB_GET_ERROR_RC_MAP(ENTRY)};
static const struct cim_enum_range get_error_ranges[] = {
    {7, 32767, DMTF_RESERVED},
    {32768, 65535, "Vendor Specific"},
};
const struct cim_enum cim_enum_get_error_return = {"GetError",
                                                   0,
                                                   65535,
                                                   get_error_values,
                                                   COUNT(get_error_values),
                                                   get_error_ranges,
                                                   COUNT(get_error_ranges)};

static const struct cim_enum_value opstatus_values[] = {CIM_OPSTATUS_MAP(ENTRY)};
static const struct cim_enum_range opstatus_ranges[] = {
    {19, 32767, DMTF_RESERVED},
    {32768, 65535, VENDOR_RESERVED},
};
const struct cim_enum cim_enum_operational_status = {
    "OperationalStatus",   0, 65535, opstatus_values, COUNT(opstatus_values), opstatus_ranges,
    COUNT(opstatus_ranges)};

/* HealthState reserves the whole unused continuum, between its named values too. */
static const struct cim_enum_value health_values[] = {CIM_HEALTH_MAP(ENTRY)};
static const struct cim_enum_range health_ranges[] = {
    {1, 4, DMTF_RESERVED},      {6, 9, DMTF_RESERVED},
    {11, 14, DMTF_RESERVED},    {16, 19, DMTF_RESERVED},
    {21, 24, DMTF_RESERVED},    {26, 29, DMTF_RESERVED},
    {31, 32767, DMTF_RESERVED}, {32768, 65535, "Vendor Specific"},
};
const struct cim_enum cim_enum_health_state = {
    "HealthState",       0, 65535, health_values, COUNT(health_values), health_ranges,
    COUNT(health_ranges)};

static const struct cim_enum_value comm_values[] = {CIM_COMMSTATUS_MAP(ENTRY)};
static const struct cim_enum_range comm_ranges[] = {
    {5, 32767, DMTF_RESERVED},
    {32768, 65535, VENDOR_RESERVED},
};
const struct cim_enum cim_enum_communication_status = {
    "CommunicationStatus", 0, 65535, comm_values, COUNT(comm_values), comm_ranges,
    COUNT(comm_ranges)};

static const struct cim_enum_value detailed_values[] = {CIM_DETAILED_MAP(ENTRY)};
static const struct cim_enum_range detailed_ranges[] = {
    {6, 32767, DMTF_RESERVED},
    {32768, 65535, VENDOR_RESERVED},
};
const struct cim_enum cim_enum_detailed_status = {
    "DetailedStatus",      0, 65535, detailed_values, COUNT(detailed_values), detailed_ranges,
    COUNT(detailed_ranges)};

static const struct cim_enum_value operating_values[] = {CIM_OPERATING_MAP(ENTRY)};
static const struct cim_enum_range operating_ranges[] = {
    {17, 32767, DMTF_RESERVED},
    {32768, 65535, VENDOR_RESERVED},
};
const struct cim_enum cim_enum_operating_status = {
    "OperatingStatus",      0, 65535, operating_values, COUNT(operating_values), operating_ranges,
    COUNT(operating_ranges)};

static const struct cim_enum_value primary_values[] = {CIM_PRIMARY_MAP(ENTRY)};
static const struct cim_enum_range primary_ranges[] = {
    {4, 32767, DMTF_RESERVED},
    {32768, 65535, VENDOR_RESERVED},
};
const struct cim_enum cim_enum_primary_status = {
    "PrimaryStatus",      0, 65535, primary_values, COUNT(primary_values), primary_ranges,
    COUNT(primary_ranges)};

/* RecoveryAction and LocalOrUtcTime define no reserved ranges: other values are invalid. */
static const struct cim_enum_value recovery_values[] = {CIM_RECOVERY_MAP(ENTRY)};
const struct cim_enum cim_enum_recovery_action = {
    "RecoveryAction", 0, 65535, recovery_values, COUNT(recovery_values), NULL, 0};

static const struct cim_enum_value timebase_values[] = {CIM_TIMEBASE_MAP(ENTRY)};
const struct cim_enum cim_enum_local_or_utc_time = {
    "LocalOrUtcTime", 0, 65535, timebase_values, COUNT(timebase_values), NULL, 0};

static const struct cim_enum_value dow_values[] = {CIM_DOW_MAP(ENTRY)};
const struct cim_enum cim_enum_run_day_of_week = {"RunDayOfWeek",    -128, 127, dow_values,
                                                  COUNT(dow_values), NULL, 0};

static const struct cim_enum_value month_values[] = {CIM_MONTH_MAP(ENTRY)};
const struct cim_enum cim_enum_run_month = {"RunMonth",          0,    255, month_values,
                                            COUNT(month_values), NULL, 0};

static const struct cim_enum_value status_values[] = {CIM_STATUS_MAP(ENTRY)};
const struct cim_enum cim_enum_status = {"Status", 0, 65535, status_values, COUNT(status_values),
                                         NULL,     0};

const struct cim_enum *const cim_enum_all[] = {
    &cim_enum_job_state,
    &cim_enum_requested_state,
    &cim_enum_rsc_return,
    &cim_enum_kill_job_return,
    &cim_enum_get_error_return,
    &cim_enum_operational_status,
    &cim_enum_health_state,
    &cim_enum_communication_status,
    &cim_enum_detailed_status,
    &cim_enum_operating_status,
    &cim_enum_primary_status,
    &cim_enum_recovery_action,
    &cim_enum_local_or_utc_time,
    &cim_enum_run_day_of_week,
    &cim_enum_run_month,
    &cim_enum_status,
    NULL,
};

static const struct cim_enum_value *
find_value(const struct cim_enum *e, int32_t v)
{
    size_t lo = 0;
    size_t hi = e->n_values;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->values[mid].value == v)
            return &e->values[mid];
        if (e->values[mid].value < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const struct cim_enum_range *
find_range(const struct cim_enum *e, int32_t v)
{
    for (size_t i = 0; i < e->n_ranges; i++)
        if (v >= e->ranges[i].lo && v <= e->ranges[i].hi)
            return &e->ranges[i];
    return NULL;
}

const char *
cim_enum_name(const struct cim_enum *e, int32_t v)
{
    const struct cim_enum_value *val;
    const struct cim_enum_range *r;

    if (v < e->min || v > e->max)
        return NULL;
    val = find_value(e, v);
    if (val != NULL)
        return val->name;
    r = find_range(e, v);
    return r != NULL ? r->name : NULL;
}

int
cim_enum_is_named(const struct cim_enum *e, int32_t v)
{
    return v >= e->min && v <= e->max && find_value(e, v) != NULL;
}

int
cim_enum_is_vendor(const struct cim_enum *e, int32_t v)
{
    const struct cim_enum_range *r;

    if (v < e->min || v > e->max || find_value(e, v) != NULL)
        return 0;
    r = find_range(e, v);
    return r != NULL && strncmp(r->name, "Vendor", 6) == 0;
}

enum job_err
cim_enum_value(const struct cim_enum *e, const char *name, int32_t *out)
{
    if (name == NULL)
        return JOB_EINVAL;
    for (size_t i = 0; i < e->n_values; i++) {
        if (strcmp(e->values[i].name, name) == 0) {
            *out = e->values[i].value;
            return JOB_OK;
        }
    }
    return JOB_EINVAL;
}
