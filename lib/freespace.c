/* freespace.c - module under construction in this session. */
#include "internal.h"
