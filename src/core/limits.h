/* limits: every hard bound on hostile input, in one place. A route may choose a
 * smaller body limit; nothing may exceed these. */
#ifndef SAVA_LIMITS_H
#define SAVA_LIMITS_H

#define LIMIT_URI_BYTES          2048    /* request target, path and query: else 414 */
#define LIMIT_HEADER_BYTES       8192    /* all request header names and values: else 431 */
#define LIMIT_HEADER_COUNT       64      /* request header fields: else 431 */
#define LIMIT_MHD_POOL_BYTES     16384   /* libmicrohttpd's per-connection memory (bench/README.md) */
#define LIMIT_CONNECTIONS        1024    /* open connections at once */
#define LIMIT_CONN_TIMEOUT_S     30      /* idle connection timeout */
#define LIMIT_HEADER_TIMEOUT_S   10      /* a request's headers, in total */

#define LIMIT_QUERY_FIELDS       16      /* fields in a query string */
#define LIMIT_FORM_FIELDS        64      /* fields in one form */
#define LIMIT_FIELD_NAME_BYTES   64      /* a form or query field name */
#define LIMIT_DISCARD_BYTES      (1024 * 1024)  /* body read and dropped after a refusal */
#define LIMIT_FORM_BODY_BYTES    (256 * 1024)  /* a whole urlencoded body */
#define LIMIT_FIELD_BYTES        (128 * 1024)  /* one text field, decoded */

#define LIMIT_MP_PART_HEADER_BYTES 2048  /* the header block of one multipart part */
#define LIMIT_MP_PARTS           32      /* parts in one multipart body */
#define LIMIT_MP_FILES           5       /* file parts in one multipart body (default) */
#define LIMIT_MP_FILES_MAX       20      /* ... as [intake] max_files may raise it */
#define LIMIT_UPLOADS_IN_FLIGHT  256     /* files being uploaded at once, instance-wide */
#define LIMIT_DISK_FLOOR_MB      1024    /* no upload starts with less free (plus two files' worth) */
#define LIMIT_REQUESTER_MESSAGES 200     /* messages a requester may write in one request */
#define LIMIT_REQUESTER_PER_HOUR 20      /* ... in one hour */
#define LIMIT_FILES_IN_MEMORY_MB 512     /* decrypted files waiting for their clients, instance-wide */
#define LIMIT_MP_BOUNDARY_BYTES  70      /* RFC 2046 */
#define LIMIT_FILENAME_BYTES     255

#define LIMIT_COOKIE_BYTES       4096    /* one Cookie header */
#define LIMIT_COOKIE_COUNT       32      /* cookie pairs scanned */

#define LIMIT_PAGE_BYTES         (8 * 1024 * 1024)  /* one rendered page (a long conversation) */

#endif
