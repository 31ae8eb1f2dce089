/*
 * CIM_Error: the error instance CIM_ConcreteJob.GetError returns, with every property of the class
 * (DMTF CIM Schema 2.41, CIM_Error version 2.22.1, CIM::Interop).
 *
 * The value maps below are transcribed from the class's ValueMap/Values qualifiers. Each map
 * ends in "..", which claims every value of the property's type that the map does not list, under
 * the name "DMTF Reserved"; the class defines no vendor range. So every value of these properties
 * is valid for the class, and cim_enum_name() names each one.
 *
 * A struct cim_error owns all of its strings and arrays. Nothing here takes a lock: an instance may
 * be used by one thread at a time.
 */
#ifndef CIM_ERROR_H
#define CIM_ERROR_H

#include <stddef.h>
#include <stdint.h>

#include "cim_enum.h"
#include "cim_types.h"
#include "job_err.h"

/* ErrorType: the primary classification of the error. X(name, value, text) */
#define CIM_ERRTYPE_MAP(X)                                                                         \
    X(CIM_ERRTYPE_UNKNOWN, 0, "Unknown")                                                           \
    X(CIM_ERRTYPE_OTHER, 1, "Other")                                                               \
    X(CIM_ERRTYPE_COMMUNICATIONS, 2, "Communications Error")                                       \
    X(CIM_ERRTYPE_QUALITY_OF_SERVICE, 3, "Quality of Service Error")                               \
    X(CIM_ERRTYPE_SOFTWARE, 4, "Software Error")                                                   \
    X(CIM_ERRTYPE_HARDWARE, 5, "Hardware Error")                                                   \
    X(CIM_ERRTYPE_ENVIRONMENTAL, 6, "Environmental Error")                                         \
    X(CIM_ERRTYPE_SECURITY, 7, "Security Error")                                                   \
    X(CIM_ERRTYPE_OVERSUBSCRIPTION, 8, "Oversubscription Error")                                   \
    X(CIM_ERRTYPE_UNAVAILABLE_RESOURCE, 9, "Unavailable Resource Error")                           \
    X(CIM_ERRTYPE_UNSUPPORTED_OPERATION, 10, "Unsupported Operation Error")

enum cim_error_type { CIM_ERRTYPE_MAP(CIM_ENUM_C) };

/* PerceivedSeverity (ITU-T X.733 perceived severity). */
#define CIM_SEV_MAP(X)                                                                             \
    X(CIM_SEV_UNKNOWN, 0, "Unknown")                                                               \
    X(CIM_SEV_OTHER, 1, "Other")                                                                   \
    X(CIM_SEV_INFORMATION, 2, "Information")                                                       \
    X(CIM_SEV_DEGRADED, 3, "Degraded/Warning")                                                     \
    X(CIM_SEV_MINOR, 4, "Minor")                                                                   \
    X(CIM_SEV_MAJOR, 5, "Major")                                                                   \
    X(CIM_SEV_CRITICAL, 6, "Critical")                                                             \
    X(CIM_SEV_FATAL, 7, "Fatal/NonRecoverable")

enum cim_severity { CIM_SEV_MAP(CIM_ENUM_C) };

/* ProbableCause (ITU-T X.733 / M.3100 probable cause). */
#define CIM_CAUSE_MAP(X)                                                                           \
    X(CIM_CAUSE_UNKNOWN, 0, "Unknown")                                                             \
    X(CIM_CAUSE_OTHER, 1, "Other")                                                                 \
    X(CIM_CAUSE_ADAPTER_CARD_ERROR, 2, "Adapter/Card Error")                                       \
    X(CIM_CAUSE_APPLICATION_SUBSYSTEM_FAILURE, 3, "Application Subsystem Failure")                 \
    X(CIM_CAUSE_BANDWIDTH_REDUCED, 4, "Bandwidth Reduced")                                         \
    X(CIM_CAUSE_CONNECTION_ESTABLISHMENT_ERROR, 5, "Connection Establishment Error")               \
    X(CIM_CAUSE_COMMUNICATIONS_PROTOCOL_ERROR, 6, "Communications Protocol Error")                 \
    X(CIM_CAUSE_COMMUNICATIONS_SUBSYSTEM_FAILURE, 7, "Communications Subsystem Failure")           \
    X(CIM_CAUSE_CONFIGURATION_CUSTOMIZATION_ERROR, 8, "Configuration/Customization Error")         \
    X(CIM_CAUSE_CONGESTION, 9, "Congestion")                                                       \
    X(CIM_CAUSE_CORRUPT_DATA, 10, "Corrupt Data")                                                  \
    X(CIM_CAUSE_CPU_CYCLES_LIMIT_EXCEEDED, 11, "CPU Cycles Limit Exceeded")                        \
    X(CIM_CAUSE_DATASET_MODEM_ERROR, 12, "Dataset/Modem Error")                                    \
    X(CIM_CAUSE_DEGRADED_SIGNAL, 13, "Degraded Signal")                                            \
    X(CIM_CAUSE_DTE_DCE_INTERFACE_ERROR, 14, "DTE-DCE Interface Error")                            \
    X(CIM_CAUSE_ENCLOSURE_DOOR_OPEN, 15, "Enclosure Door Open")                                    \
    X(CIM_CAUSE_EQUIPMENT_MALFUNCTION, 16, "Equipment Malfunction")                                \
    X(CIM_CAUSE_EXCESSIVE_VIBRATION, 17, "Excessive Vibration")                                    \
    X(CIM_CAUSE_FILE_FORMAT_ERROR, 18, "File Format Error")                                        \
    X(CIM_CAUSE_FIRE_DETECTED, 19, "Fire Detected")                                                \
    X(CIM_CAUSE_FLOOD_DETECTED, 20, "Flood Detected")                                              \
    X(CIM_CAUSE_FRAMING_ERROR, 21, "Framing Error")                                                \
    X(CIM_CAUSE_HVAC_PROBLEM, 22, "HVAC Problem")                                                  \
    X(CIM_CAUSE_HUMIDITY_UNACCEPTABLE, 23, "Humidity Unacceptable")                                \
    X(CIM_CAUSE_I_O_DEVICE_ERROR, 24, "I/O Device Error")                                          \
    X(CIM_CAUSE_INPUT_DEVICE_ERROR, 25, "Input Device Error")                                      \
    X(CIM_CAUSE_LAN_ERROR, 26, "LAN Error")                                                        \
    X(CIM_CAUSE_NON_TOXIC_LEAK_DETECTED, 27, "Non-Toxic Leak Detected")                            \
    X(CIM_CAUSE_LOCAL_NODE_TRANSMISSION_ERROR, 28, "Local Node Transmission Error")                \
    X(CIM_CAUSE_LOSS_OF_FRAME, 29, "Loss of Frame")                                                \
    X(CIM_CAUSE_LOSS_OF_SIGNAL, 30, "Loss of Signal")                                              \
    X(CIM_CAUSE_MATERIAL_SUPPLY_EXHAUSTED, 31, "Material Supply Exhausted")                        \
    X(CIM_CAUSE_MULTIPLEXER_PROBLEM, 32, "Multiplexer Problem")                                    \
    X(CIM_CAUSE_OUT_OF_MEMORY, 33, "Out of Memory")                                                \
    X(CIM_CAUSE_OUTPUT_DEVICE_ERROR, 34, "Output Device Error")                                    \
    X(CIM_CAUSE_PERFORMANCE_DEGRADED, 35, "Performance Degraded")                                  \
    X(CIM_CAUSE_POWER_PROBLEM, 36, "Power Problem")                                                \
    X(CIM_CAUSE_PRESSURE_UNACCEPTABLE, 37, "Pressure Unacceptable")                                \
    X(CIM_CAUSE_PROCESSOR_PROBLEM_INTERNAL_MACHINE_ERROR, 38,                                      \
      "Processor Problem (Internal Machine Error)")                                                \
    X(CIM_CAUSE_PUMP_FAILURE, 39, "Pump Failure")                                                  \
    X(CIM_CAUSE_QUEUE_SIZE_EXCEEDED, 40, "Queue Size Exceeded")                                    \
    X(CIM_CAUSE_RECEIVE_FAILURE, 41, "Receive Failure")                                            \
    X(CIM_CAUSE_RECEIVER_FAILURE, 42, "Receiver Failure")                                          \
    X(CIM_CAUSE_REMOTE_NODE_TRANSMISSION_ERROR, 43, "Remote Node Transmission Error")              \
    X(CIM_CAUSE_RESOURCE_AT_OR_NEARING_CAPACITY, 44, "Resource at or Nearing Capacity")            \
    X(CIM_CAUSE_RESPONSE_TIME_EXCESSIVE, 45, "Response Time Excessive")                            \
    X(CIM_CAUSE_RETRANSMISSION_RATE_EXCESSIVE, 46, "Retransmission Rate Excessive")                \
    X(CIM_CAUSE_SOFTWARE_ERROR, 47, "Software Error")                                              \
    X(CIM_CAUSE_SOFTWARE_PROGRAM_ABNORMALLY_TERMINATED, 48,                                        \
      "Software Program Abnormally Terminated")                                                    \
    X(CIM_CAUSE_SOFTWARE_PROGRAM_ERROR_INCORRECT_RESULTS, 49,                                      \
      "Software Program Error (Incorrect Results)")                                                \
    X(CIM_CAUSE_STORAGE_CAPACITY_PROBLEM, 50, "Storage Capacity Problem")                          \
    X(CIM_CAUSE_TEMPERATURE_UNACCEPTABLE, 51, "Temperature Unacceptable")                          \
    X(CIM_CAUSE_THRESHOLD_CROSSED, 52, "Threshold Crossed")                                        \
    X(CIM_CAUSE_TIMING_PROBLEM, 53, "Timing Problem")                                              \
    X(CIM_CAUSE_TOXIC_LEAK_DETECTED, 54, "Toxic Leak Detected")                                    \
    X(CIM_CAUSE_TRANSMIT_FAILURE, 55, "Transmit Failure")                                          \
    X(CIM_CAUSE_TRANSMITTER_FAILURE, 56, "Transmitter Failure")                                    \
    X(CIM_CAUSE_UNDERLYING_RESOURCE_UNAVAILABLE, 57, "Underlying Resource Unavailable")            \
    X(CIM_CAUSE_VERSION_MISMATCH, 58, "Version Mismatch")                                          \
    X(CIM_CAUSE_PREVIOUS_ALERT_CLEARED, 59, "Previous Alert Cleared")                              \
    X(CIM_CAUSE_LOGIN_ATTEMPTS_FAILED, 60, "Login Attempts Failed")                                \
    X(CIM_CAUSE_SOFTWARE_VIRUS_DETECTED, 61, "Software Virus Detected")                            \
    X(CIM_CAUSE_HARDWARE_SECURITY_BREACHED, 62, "Hardware Security Breached")                      \
    X(CIM_CAUSE_DENIAL_OF_SERVICE_DETECTED, 63, "Denial of Service Detected")                      \
    X(CIM_CAUSE_SECURITY_CREDENTIAL_MISMATCH, 64, "Security Credential Mismatch")                  \
    X(CIM_CAUSE_UNAUTHORIZED_ACCESS, 65, "Unauthorized Access")                                    \
    X(CIM_CAUSE_ALARM_RECEIVED, 66, "Alarm Received")                                              \
    X(CIM_CAUSE_LOSS_OF_POINTER, 67, "Loss of Pointer")                                            \
    X(CIM_CAUSE_PAYLOAD_MISMATCH, 68, "Payload Mismatch")                                          \
    X(CIM_CAUSE_TRANSMISSION_ERROR, 69, "Transmission Error")                                      \
    X(CIM_CAUSE_EXCESSIVE_ERROR_RATE, 70, "Excessive Error Rate")                                  \
    X(CIM_CAUSE_TRACE_PROBLEM, 71, "Trace Problem")                                                \
    X(CIM_CAUSE_ELEMENT_UNAVAILABLE, 72, "Element Unavailable")                                    \
    X(CIM_CAUSE_ELEMENT_MISSING, 73, "Element Missing")                                            \
    X(CIM_CAUSE_LOSS_OF_MULTI_FRAME, 74, "Loss of Multi Frame")                                    \
    X(CIM_CAUSE_BROADCAST_CHANNEL_FAILURE, 75, "Broadcast Channel Failure")                        \
    X(CIM_CAUSE_INVALID_MESSAGE_RECEIVED, 76, "Invalid Message Received")                          \
    X(CIM_CAUSE_ROUTING_FAILURE, 77, "Routing Failure")                                            \
    X(CIM_CAUSE_BACKPLANE_FAILURE, 78, "Backplane Failure")                                        \
    X(CIM_CAUSE_IDENTIFIER_DUPLICATION, 79, "Identifier Duplication")                              \
    X(CIM_CAUSE_PROTECTION_PATH_FAILURE, 80, "Protection Path Failure")                            \
    X(CIM_CAUSE_SYNC_LOSS_OR_MISMATCH, 81, "Sync Loss or Mismatch")                                \
    X(CIM_CAUSE_TERMINAL_PROBLEM, 82, "Terminal Problem")                                          \
    X(CIM_CAUSE_REAL_TIME_CLOCK_FAILURE, 83, "Real Time Clock Failure")                            \
    X(CIM_CAUSE_ANTENNA_FAILURE, 84, "Antenna Failure")                                            \
    X(CIM_CAUSE_BATTERY_CHARGING_FAILURE, 85, "Battery Charging Failure")                          \
    X(CIM_CAUSE_DISK_FAILURE, 86, "Disk Failure")                                                  \
    X(CIM_CAUSE_FREQUENCY_HOPPING_FAILURE, 87, "Frequency Hopping Failure")                        \
    X(CIM_CAUSE_LOSS_OF_REDUNDANCY, 88, "Loss of Redundancy")                                      \
    X(CIM_CAUSE_POWER_SUPPLY_FAILURE, 89, "Power Supply Failure")                                  \
    X(CIM_CAUSE_SIGNAL_QUALITY_PROBLEM, 90, "Signal Quality Problem")                              \
    X(CIM_CAUSE_BATTERY_DISCHARGING, 91, "Battery Discharging")                                    \
    X(CIM_CAUSE_BATTERY_FAILURE, 92, "Battery Failure")                                            \
    X(CIM_CAUSE_COMMERCIAL_POWER_PROBLEM, 93, "Commercial Power Problem")                          \
    X(CIM_CAUSE_FAN_FAILURE, 94, "Fan Failure")                                                    \
    X(CIM_CAUSE_ENGINE_FAILURE, 95, "Engine Failure")                                              \
    X(CIM_CAUSE_SENSOR_FAILURE, 96, "Sensor Failure")                                              \
    X(CIM_CAUSE_FUSE_FAILURE, 97, "Fuse Failure")                                                  \
    X(CIM_CAUSE_GENERATOR_FAILURE, 98, "Generator Failure")                                        \
    X(CIM_CAUSE_LOW_BATTERY, 99, "Low Battery")                                                    \
    X(CIM_CAUSE_LOW_FUEL, 100, "Low Fuel")                                                         \
    X(CIM_CAUSE_LOW_WATER, 101, "Low Water")                                                       \
    X(CIM_CAUSE_EXPLOSIVE_GAS, 102, "Explosive Gas")                                               \
    X(CIM_CAUSE_HIGH_WINDS, 103, "High Winds")                                                     \
    X(CIM_CAUSE_ICE_BUILDUP, 104, "Ice Buildup")                                                   \
    X(CIM_CAUSE_SMOKE, 105, "Smoke")                                                               \
    X(CIM_CAUSE_MEMORY_MISMATCH, 106, "Memory Mismatch")                                           \
    X(CIM_CAUSE_OUT_OF_CPU_CYCLES, 107, "Out of CPU Cycles")                                       \
    X(CIM_CAUSE_SOFTWARE_ENVIRONMENT_PROBLEM, 108, "Software Environment Problem")                 \
    X(CIM_CAUSE_SOFTWARE_DOWNLOAD_FAILURE, 109, "Software Download Failure")                       \
    X(CIM_CAUSE_ELEMENT_REINITIALIZED, 110, "Element Reinitialized")                               \
    X(CIM_CAUSE_TIMEOUT, 111, "Timeout")                                                           \
    X(CIM_CAUSE_LOGGING_PROBLEMS, 112, "Logging Problems")                                         \
    X(CIM_CAUSE_LEAK_DETECTED, 113, "Leak Detected")                                               \
    X(CIM_CAUSE_PROTECTION_MECHANISM_FAILURE, 114, "Protection Mechanism Failure")                 \
    X(CIM_CAUSE_PROTECTING_RESOURCE_FAILURE, 115, "Protecting Resource Failure")                   \
    X(CIM_CAUSE_DATABASE_INCONSISTENCY, 116, "Database Inconsistency")                             \
    X(CIM_CAUSE_AUTHENTICATION_FAILURE, 117, "Authentication Failure")                             \
    X(CIM_CAUSE_BREACH_OF_CONFIDENTIALITY, 118, "Breach of Confidentiality")                       \
    X(CIM_CAUSE_CABLE_TAMPER, 119, "Cable Tamper")                                                 \
    X(CIM_CAUSE_DELAYED_INFORMATION, 120, "Delayed Information")                                   \
    X(CIM_CAUSE_DUPLICATE_INFORMATION, 121, "Duplicate Information")                               \
    X(CIM_CAUSE_INFORMATION_MISSING, 122, "Information Missing")                                   \
    X(CIM_CAUSE_INFORMATION_MODIFICATION, 123, "Information Modification")                         \
    X(CIM_CAUSE_INFORMATION_OUT_OF_SEQUENCE, 124, "Information Out of Sequence")                   \
    X(CIM_CAUSE_KEY_EXPIRED, 125, "Key Expired")                                                   \
    X(CIM_CAUSE_NON_REPUDIATION_FAILURE, 126, "Non-Repudiation Failure")                           \
    X(CIM_CAUSE_OUT_OF_HOURS_ACTIVITY, 127, "Out of Hours Activity")                               \
    X(CIM_CAUSE_OUT_OF_SERVICE, 128, "Out of Service")                                             \
    X(CIM_CAUSE_PROCEDURAL_ERROR, 129, "Procedural Error")                                         \
    X(CIM_CAUSE_UNEXPECTED_INFORMATION, 130, "Unexpected Information")

enum cim_probable_cause { CIM_CAUSE_MAP(CIM_ENUM_C) };

/* ErrorSourceFormat: how ErrorSource is to be read. */
#define CIM_ESF_MAP(X)                                                                             \
    X(CIM_ESF_UNKNOWN, 0, "Unknown")                                                               \
    X(CIM_ESF_OTHER, 1, "Other")                                                                   \
    X(CIM_ESF_CIM_OBJECT_PATH, 2, "CIMObjectPath")

enum cim_error_source_format { CIM_ESF_MAP(CIM_ENUM_C) };

/*
 * CIMStatusCode (uint32; the CIM operation status codes of DSP0200/DSP0201). The map names no 0:
 * like every value above 29, 0 is "DMTF Reserved".
 */
#define CIM_STATUS_CODE_MAP(X)                                                                     \
    X(CIM_STATUS_CODE_FAILED, 1, "CIM_ERR_FAILED")                                                 \
    X(CIM_STATUS_CODE_ACCESS_DENIED, 2, "CIM_ERR_ACCESS_DENIED")                                   \
    X(CIM_STATUS_CODE_INVALID_NAMESPACE, 3, "CIM_ERR_INVALID_NAMESPACE")                           \
    X(CIM_STATUS_CODE_INVALID_PARAMETER, 4, "CIM_ERR_INVALID_PARAMETER")                           \
    X(CIM_STATUS_CODE_INVALID_CLASS, 5, "CIM_ERR_INVALID_CLASS")                                   \
    X(CIM_STATUS_CODE_NOT_FOUND, 6, "CIM_ERR_NOT_FOUND")                                           \
    X(CIM_STATUS_CODE_NOT_SUPPORTED, 7, "CIM_ERR_NOT_SUPPORTED")                                   \
    X(CIM_STATUS_CODE_CLASS_HAS_CHILDREN, 8, "CIM_ERR_CLASS_HAS_CHILDREN")                         \
    X(CIM_STATUS_CODE_CLASS_HAS_INSTANCES, 9, "CIM_ERR_CLASS_HAS_INSTANCES")                       \
    X(CIM_STATUS_CODE_INVALID_SUPERCLASS, 10, "CIM_ERR_INVALID_SUPERCLASS")                        \
    X(CIM_STATUS_CODE_ALREADY_EXISTS, 11, "CIM_ERR_ALREADY_EXISTS")                                \
    X(CIM_STATUS_CODE_NO_SUCH_PROPERTY, 12, "CIM_ERR_NO_SUCH_PROPERTY")                            \
    X(CIM_STATUS_CODE_TYPE_MISMATCH, 13, "CIM_ERR_TYPE_MISMATCH")                                  \
    X(CIM_STATUS_CODE_QUERY_LANGUAGE_NOT_SUPPORTED, 14, "CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED")    \
    X(CIM_STATUS_CODE_INVALID_QUERY, 15, "CIM_ERR_INVALID_QUERY")                                  \
    X(CIM_STATUS_CODE_METHOD_NOT_AVAILABLE, 16, "CIM_ERR_METHOD_NOT_AVAILABLE")                    \
    X(CIM_STATUS_CODE_METHOD_NOT_FOUND, 17, "CIM_ERR_METHOD_NOT_FOUND")                            \
    X(CIM_STATUS_CODE_UNEXPECTED_RESPONSE, 18, "CIM_ERR_UNEXPECTED_RESPONSE")                      \
    X(CIM_STATUS_CODE_INVALID_RESPONSE_DESTINATION, 19, "CIM_ERR_INVALID_RESPONSE_DESTINATION")    \
    X(CIM_STATUS_CODE_NAMESPACE_NOT_EMPTY, 20, "CIM_ERR_NAMESPACE_NOT_EMPTY")                      \
    X(CIM_STATUS_CODE_INVALID_ENUMERATION_CONTEXT, 21, "CIM_ERR_INVALID_ENUMERATION_CONTEXT")      \
    X(CIM_STATUS_CODE_INVALID_OPERATION_TIMEOUT, 22, "CIM_ERR_INVALID_OPERATION_TIMEOUT")          \
    X(CIM_STATUS_CODE_PULL_HAS_BEEN_ABANDONED, 23, "CIM_ERR_PULL_HAS_BEEN_ABANDONED")              \
    X(CIM_STATUS_CODE_PULL_CANNOT_BE_ABANDONED, 24, "CIM_ERR_PULL_CANNOT_BE_ABANDONED")            \
    X(CIM_STATUS_CODE_FILTERED_ENUMERATION_NOT_SUPPORTED, 25,                                      \
      "CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED")                                                \
    X(CIM_STATUS_CODE_CONTINUATION_ON_ERROR_NOT_SUPPORTED, 26,                                     \
      "CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED")                                               \
    X(CIM_STATUS_CODE_SERVER_LIMITS_EXCEEDED, 27, "CIM_ERR_SERVER_LIMITS_EXCEEDED")                \
    X(CIM_STATUS_CODE_SERVER_IS_SHUTTING_DOWN, 28, "CIM_ERR_SERVER_IS_SHUTTING_DOWN")              \
    X(CIM_STATUS_CODE_QUERY_FEATURE_NOT_SUPPORTED, 29, "CIM_ERR_QUERY_FEATURE_NOT_SUPPORTED")

enum cim_status_code { CIM_STATUS_CODE_MAP(CIM_ENUM_C) };

/*
 * The value maps as tables for cim_enum_name() and friends. The tables of the uint16 properties
 * cover 0..65535. cim_enum_cim_status_code covers 0..INT32_MAX only (the table type is int32_t);
 * name a full uint32 code with cim_error_status_code_name().
 */
extern const struct cim_enum cim_enum_error_type;
extern const struct cim_enum cim_enum_perceived_severity;
extern const struct cim_enum cim_enum_probable_cause;
extern const struct cim_enum cim_enum_error_source_format;
extern const struct cim_enum cim_enum_cim_status_code;

/* The five tables above, NULL-terminated. */
extern const struct cim_enum *const cim_error_enum_all[];

/*
 * One CIM_Error instance. Every char * is NULL (the property is null) or a string from malloc()
 * that the instance owns; the arrays own their elements. Initialise with cim_error_init() and
 * release with cim_error_cleanup(), or use cim_error_new() and cim_error_free().
 */
struct cim_error {
    uint16_t error_type;    /* ErrorType, enum cim_error_type */
    char *other_error_type; /* OtherErrorType: non-NULL exactly when ErrorType is Other */
    char *owning_entity;    /* OwningEntity */
    char *message_id;       /* MessageID (Required) */
    char *message;          /* Message */
    struct cim_strv message_arguments;   /* MessageArguments[] */
    uint16_t perceived_severity;         /* PerceivedSeverity, enum cim_severity */
    uint16_t probable_cause;             /* ProbableCause, enum cim_probable_cause */
    char *probable_cause_description;    /* ProbableCauseDescription */
    struct cim_strv recommended_actions; /* RecommendedActions[] */
    char *error_source;                  /* ErrorSource */
    uint16_t error_source_format;        /* ErrorSourceFormat, enum cim_error_source_format */
    char *other_error_source_format;     /* OtherErrorSourceFormat: non-NULL exactly when Other */
    uint32_t cim_status_code;            /* CIMStatusCode, enum cim_status_code */
    char *cim_status_code_description;   /* CIMStatusCodeDescription */
};

/*
 * Initialises an empty instance: every string and array null, every enumeration 0 (Unknown;
 * for CIMStatusCode, which has no Unknown, 0 is a reserved value meaning "not set"). Allocates
 * nothing, so it cannot fail.
 */
void cim_error_init(struct cim_error *e);

/* Frees everything the instance owns and leaves it as cim_error_init() does. NULL-safe. */
void cim_error_cleanup(struct cim_error *e);

/*
 * Returns a new initialised instance to release with cim_error_free(), or NULL when out of
 * memory.
 */
struct cim_error *cim_error_new(void);

/* Cleans up and frees an instance from cim_error_new() or cim_error_dup(). NULL is a no-op. */
void cim_error_free(struct cim_error *e);

/*
 * Replaces the contents of the initialised instance dst (its old content is freed) with a deep
 * copy of src. Returns JOB_OK; JOB_EINVAL when dst or src is NULL or src holds an array that
 * claims elements but has none (dst is left initialised-empty); JOB_ENOMEM when out of memory
 * (dst is left initialised-empty). dst == src is allowed and changes nothing.
 */
CIM_MUST_CHECK enum job_err cim_error_copy(struct cim_error *dst, const struct cim_error *src);

/*
 * Returns a new deep copy of src to release with cim_error_free(). Returns NULL when src is NULL,
 * when src cannot be copied (see cim_error_copy()), or when out of memory.
 */
struct cim_error *cim_error_dup(const struct cim_error *src);

/*
 * Stores a copy of value in *field, freeing the string it held; value NULL makes the field null.
 * Returns JOB_OK; JOB_EINVAL when field is NULL; JOB_ENOMEM when out of memory, with *field
 * unchanged. value may point into *field itself.
 */
CIM_MUST_CHECK enum job_err cim_error_set_str(char **field, const char *value);

/*
 * Checks the instance against the class, property by property in the class's order:
 *  - ErrorType, PerceivedSeverity, ProbableCause, ErrorSourceFormat and CIMStatusCode hold a named
 *    value or one of a reserved range the class defines (for CIM_Error 2.22.1 every value does);
 *  - OtherErrorType is non-NULL exactly when ErrorType is 1 (Other);
 *  - MessageID is non-NULL (the property is Required);
 *  - MessageArguments and RecommendedActions have no NULL element and an array behind a nonzero
 *    count;
 *  - OtherErrorSourceFormat is non-NULL exactly when ErrorSourceFormat is 1 (Other).
 * Returns JOB_OK, or JOB_EINVAL for the first failing rule. When prop is not NULL, *prop is set to
 * the CIM name of the offending property (a static string), or to NULL on success or when e is
 * NULL.
 */
CIM_MUST_CHECK enum job_err cim_error_validate(const struct cim_error *e, const char **prop);

/*
 * Returns nonzero when a and b hold the same values in every property; strings and array elements
 * are compared by content and NULL equals only NULL. Two NULL pointers are equal.
 */
int cim_error_equal(const struct cim_error *a, const struct cim_error *b);

/*
 * Returns the name of a CIMStatusCode over the whole uint32 range: "CIM_ERR_..." for the named
 * codes, "DMTF Reserved" for every other value. The string is static; never NULL.
 */
const char *cim_error_status_code_name(uint32_t code);

/*
 * Returns the Redfish MessageSeverity word for a PerceivedSeverity: "OK" for 2 (Information),
 * "Warning" for 3 and 4 (Degraded/Warning, Minor), "Critical" for 5 to 7 (Major, Critical,
 * Fatal/NonRecoverable), and "Warning" for 0, 1 and every other value. Plain text, static.
 */
const char *cim_error_severity_word(uint16_t perceived_severity);

/*
 * Appends the binary encoding of e to out (see cim_error.c for the layout; integers little-endian,
 * every string and array length-prefixed). Any instance can be encoded, valid or not, and
 * cim_error_decode() gives back an equal one. Returns JOB_OK; JOB_EINVAL when e or out is NULL, an
 * array claims elements but has none, or a string or array is too long for the format (4 GiB - 2);
 * JOB_ENOMEM when out of memory. On failure out holds exactly what it held before.
 */
CIM_MUST_CHECK enum job_err cim_error_encode(const struct cim_error *e, struct cim_buf *out);

/*
 * Decodes exactly len bytes at p, as written by cim_error_encode(), into the initialised instance
 * out (its old content is freed). Every length is checked against the bytes left, nothing is read
 * past p + len, and an encoding must be the only thing in the bytes (no trailing data). Returns
 * JOB_OK; JOB_EINVAL for any malformed input, an unknown format version, a string holding a NUL
 * byte, or out NULL; JOB_ENOMEM when out of memory. On failure out is left initialised-empty.
 * A decoded instance is well-formed but not necessarily valid: check it with cim_error_validate().
 */
CIM_MUST_CHECK enum job_err cim_error_decode(const unsigned char *p, size_t len,
                                             struct cim_error *out);

#endif
