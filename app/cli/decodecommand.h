#pragma once

namespace smtpscope::cli {

class CliContext;

/// `smtpscope-cli decode [REPLY...]`: decodes reply lines given as arguments or on stdin.
int runDecode(CliContext &context);

} // namespace smtpscope::cli
