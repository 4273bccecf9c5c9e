/* site_read.c - module under construction in this session. */
#include "internal.h"
