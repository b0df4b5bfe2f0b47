#include "util/allocator.h"

#ifdef SMTPSCOPE_USE_MIMALLOC
#include <mimalloc.h>
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

} // namespace smtpscope::core
