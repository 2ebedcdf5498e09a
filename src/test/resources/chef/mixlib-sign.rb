# Signs one request with Chef's own signer (mixlib-authentication's SignedHeaderAuth, as knife and
# chef-client use it), to show how a Chef server treats Chef's signatures.
#
# stdin: JSON {"method", "path", "body", "user", "key_file", "version", "headers": {extra headers given to the signer}}
# stdout: JSON object of the X-Ops headers to send
require "openssl" # before mixlib: its digester requires openssl/digest alone, which breaks on Ruby 3.1
require "json"
require "time"
require "mixlib/authentication/signedheaderauth"

input = JSON.parse($stdin.read)
version = input.fetch("version")
signing = Mixlib::Authentication::SignedHeaderAuth.signing_object(
  http_method: input.fetch("method").downcase.to_sym, path: input.fetch("path"), body: input.fetch("body"),
  timestamp: Time.now.utc.iso8601, user_id: input.fetch("user"), proto_version: version,
  headers: input.fetch("headers"))
key = OpenSSL::PKey::RSA.new(File.read(input.fetch("key_file")))
algorithm = Mixlib::Authentication::SignedHeaderAuth::ALGORITHM_FOR_VERSION.fetch(version)
puts JSON.generate(signing.sign(key, sign_algorithm: algorithm, sign_version: version))
