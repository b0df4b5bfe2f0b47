#pragma once

#include <QString>
#include <QStringView>

namespace smtpscope::core {

/// The registrable domain of a host or address domain, by the Public Suffix List (libpsl, with the system's
/// list when Debian's publicsuffix package is there, else the list built into libpsl): "mx1.mail.yahoo.co.jp"
/// → "yahoo.co.jp", "foo.blogspot.com" → "foo.blogspot.com". Receivers are grouped by it, since one
/// organisation's MX hosts and recipient domains share it. Empty for a public suffix itself, a bare name or
/// an address literal.
QString registrableDomain(QStringView host);

/// The domain part of an address as mail tools write it ("a@Example.COM", "<a@b.example>",
/// "<a@b.example> SIZE=1234") → "example.com", "b.example"; lower-cased; empty without an '@'.
QString addressDomain(QStringView address);

} // namespace smtpscope::core
