/* Redfish messages and error bodies, built from the DMTF Base registry table (rf_base_msgs.def)
 * and the OEM registry. Every error body the service sends is built here. */
#ifndef RF_MSG_H
#define RF_MSG_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define RF_BASE_PREFIX "Base.1.22"

enum rf_sev { RF_SEV_OK, RF_SEV_WARNING, RF_SEV_CRITICAL };

enum rf_msg_id {
#define RF_BASE_MSG(ident, key, sev, nargs, text, resolution) RF_MSG_##ident,
#include "rf_base_msgs.def"
#undef RF_BASE_MSG
    RF_MSG__COUNT
};

/* The OEM registry Rfjobd.1.0 (rf_oem_msgs.def, held against redfish-schema/ by a test). */
#define RF_OEM_PREFIX "Rfjobd.1.0"

enum rf_oem_id {
#define RF_OEM_MSG(ident, key, sev, nargs, text, resolution) RF_OEM_##ident,
#include "rf_oem_msgs.def"
#undef RF_OEM_MSG
    RF_OEM__COUNT
};

struct rf_resp;

/* The registry key of a message ("MalformedJSON"). */
const char *rf_msg_key(enum rf_msg_id id);

/* The number of arguments a message takes. */
int rf_msg_nargs(enum rf_msg_id id);

/* The severity name of a message ("OK", "Warning", "Critical"). */
const char *rf_msg_severity(enum rf_msg_id id);

/*
 * Builds a #Message.v1_3_0.Message object: MessageId "Base.1.22.<Key>", Message with %1..%n
 * replaced by args, MessageArgs, MessageSeverity, Resolution, and RelatedProperties [related]
 * when related (a JSON pointer such as "/JobState") is not NULL. nargs must equal the
 * registry's count; missing arguments are written as empty strings. Returns a new tree (the
 * caller deletes it) or NULL when out of memory.
 */
cJSON *rf_msg_new(enum rf_msg_id id, const char *related, const char *const *args, size_t nargs);

/*
 * Builds an error body {"error": {"code", "message", "@Message.ExtendedInfo": [...]}} from an
 * array of Message objects (taken over, even on failure). With one message, code and message
 * repeat it; with several, they are Base GeneralError's. Returns a new tree or NULL.
 */
cJSON *rf_msg_error_body(cJSON *j_messages);

/*
 * Makes resp an error response: the HTTP status and a body holding one message. The variadic
 * arguments are the message's string arguments (exactly rf_msg_nargs(id) of them). Any body
 * resp held is released. Falls back to a body-less response if memory runs out.
 */
void rf_resp_error(struct rf_resp *resp, int status, enum rf_msg_id id, const char *related, ...);

/* Makes resp an error response with the given status and message array (taken over). */
void rf_resp_errors(struct rf_resp *resp, int status, cJSON *j_messages);

/* The registry key of an OEM message ("InvalidStateTransition"). */
const char *rf_oem_key(enum rf_oem_id id);

/* The number of arguments an OEM message takes. */
int rf_oem_nargs(enum rf_oem_id id);

/* The severity name of an OEM message. */
const char *rf_oem_severity(enum rf_oem_id id);

/* The resolution of an OEM message. */
const char *rf_oem_resolution(enum rf_oem_id id);

/* The message text of an OEM message, with %1..%n unexpanded. */
const char *rf_oem_text(enum rf_oem_id id);

/* As rf_msg_new, for an OEM message: MessageId "Rfjobd.1.0.<Key>". */
cJSON *rf_oem_msg_new(enum rf_oem_id id, const char *related, const char *const *args,
                      size_t nargs);

/* As rf_resp_error, with an OEM message. */
void rf_resp_oem_error(struct rf_resp *resp, int status, enum rf_oem_id id, const char *related,
                       ...);

#endif
