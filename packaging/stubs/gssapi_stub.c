/* GSSAPI for the static bootstrap: every entry point Debian's libpq.a
 * references, failing the way MIT Kerberos reports an error. RDS and RDS
 * Proxy authenticate with SCRAM and do not speak GSSAPI encryption; the
 * bootstrap defaults PGGSSENCMODE to disable, and with "prefer" libpq asks
 * gss_acquire_cred, gets GSS_S_FAILURE and goes on without it (the chroot
 * test runs that path). The real library would pull in krb5, k5crypto,
 * com_err, krb5support, keyutils and resolv, none of which Debian ships as
 * static archives. */
#include <stddef.h>

typedef unsigned int OM_uint32;
typedef struct {
  size_t length;
  void* value;
} gss_buffer_desc;
typedef void V;

#define FAILURE ((OM_uint32)13 << 16) /* GSS_S_FAILURE */

static char message[] = "GSSAPI is not supported by this build";

V* GSS_C_NT_HOSTBASED_SERVICE = NULL;

static OM_uint32 failed(OM_uint32* minor) {
  if (minor) *minor = 0;
  return FAILURE;
}

static OM_uint32 done(OM_uint32* minor) {
  if (minor) *minor = 0;
  return 0;
}

static void empty(gss_buffer_desc* buffer) {
  if (buffer) {
    buffer->length = 0;
    buffer->value = NULL;
  }
}

OM_uint32 gss_acquire_cred(OM_uint32* minor, V* name, OM_uint32 time_req, V* mechs, int usage, V** cred,
                           V** actual_mechs, OM_uint32* time_rec) {
  (void)name;
  (void)time_req;
  (void)mechs;
  (void)usage;
  if (cred) *cred = NULL;
  if (actual_mechs) *actual_mechs = NULL;
  if (time_rec) *time_rec = 0;
  return failed(minor);
}

OM_uint32 gss_import_name(OM_uint32* minor, V* buffer, V* type, V** out) {
  (void)buffer;
  (void)type;
  if (out) *out = NULL;
  return failed(minor);
}

OM_uint32 gss_init_sec_context(OM_uint32* minor, V* cred, V** context, V* target, V* mech, OM_uint32 flags,
                               OM_uint32 time_req, V* bindings, V* input, V** actual_mech, gss_buffer_desc* output,
                               OM_uint32* ret_flags, OM_uint32* time_rec) {
  (void)cred;
  (void)context;
  (void)target;
  (void)mech;
  (void)flags;
  (void)time_req;
  (void)bindings;
  (void)input;
  if (actual_mech) *actual_mech = NULL;
  empty(output);
  if (ret_flags) *ret_flags = 0;
  if (time_rec) *time_rec = 0;
  return failed(minor);
}

/* libpq prints the buffer whatever the status, so it holds a real message. */
OM_uint32 gss_display_status(OM_uint32* minor, OM_uint32 status, int type, V* mech, OM_uint32* context,
                             gss_buffer_desc* out) {
  (void)status;
  (void)type;
  (void)mech;
  if (context) *context = 0;
  if (out) {
    out->length = sizeof(message) - 1;
    out->value = message;
  }
  return done(minor);
}

OM_uint32 gss_release_buffer(OM_uint32* minor, gss_buffer_desc* buffer) {
  empty(buffer); /* only ever the static message or NULL here */
  return done(minor);
}

OM_uint32 gss_release_name(OM_uint32* minor, V** name) {
  if (name) *name = NULL;
  return done(minor);
}

OM_uint32 gss_release_cred(OM_uint32* minor, V** cred) {
  if (cred) *cred = NULL;
  return done(minor);
}

OM_uint32 gss_delete_sec_context(OM_uint32* minor, V** context, gss_buffer_desc* out) {
  if (context) *context = NULL;
  empty(out);
  return done(minor);
}

OM_uint32 gss_wrap(OM_uint32* minor, V* context, int conf, OM_uint32 qop, V* in, int* state, gss_buffer_desc* out) {
  (void)context;
  (void)conf;
  (void)qop;
  (void)in;
  if (state) *state = 0;
  empty(out);
  return failed(minor);
}

OM_uint32 gss_unwrap(OM_uint32* minor, V* context, V* in, gss_buffer_desc* out, int* conf, OM_uint32* qop) {
  (void)context;
  (void)in;
  empty(out);
  if (conf) *conf = 0;
  if (qop) *qop = 0;
  return failed(minor);
}

OM_uint32 gss_wrap_size_limit(OM_uint32* minor, V* context, int conf, OM_uint32 qop, OM_uint32 req, OM_uint32* max) {
  (void)context;
  (void)conf;
  (void)qop;
  (void)req;
  if (max) *max = 0;
  return failed(minor);
}
