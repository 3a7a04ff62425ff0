#include <uv.h>
#include <malloc.h>
