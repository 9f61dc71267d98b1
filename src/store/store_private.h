/* store_private: the store's handle, shared only by the files of src/store/ (one file
 * per table family). Nothing outside the store sees SQLite. */
#ifndef SAVA_STORE_PRIVATE_H
#define SAVA_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store/store.h"

struct store {
	sqlite3 *db;
};

#endif
