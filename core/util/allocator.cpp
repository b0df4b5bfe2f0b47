#include "util/allocator.h"

#ifdef SMTPSCOPE_USE_MIMALLOC
#include <mimalloc.h>
#else
#include <malloc.h>
#endif

namespace smtpscope::core {

QString allocatorName()
{
#ifdef SMTPSCOPE_USE_MIMALLOC
    // mi_version() gives 209 for 2.0.9.
    const int v = mi_version();
    return QStringLiteral("mimalloc %1.%2.%3").arg(v / 100).arg(v / 10 % 10).arg(v % 10);
#else
    return QStringLiteral("glibc");
#endif
}

void releaseFreeMemory()
{
#ifdef SMTPSCOPE_USE_MIMALLOC
    mi_collect(true);
#else
    malloc_trim(0);
#endif
}

} // namespace smtpscope::core
