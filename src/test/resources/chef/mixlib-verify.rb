# Verifies one X-Ops signed request with Chef's own verifier (mixlib-authentication's
# SignatureVerification, the code Chef's Ruby server side used), so asger's Java signer is checked
# against Chef's implementation rather than against itself.
#
# stdin: JSON {"method", "path", "body_base64", "headers": {name: value}, "public_key": PEM}
# stdout: "verified <user>" (exit 0) or "rejected: ..." (exit 1)
require "openssl" # before mixlib: its digester requires openssl/digest alone, which breaks on Ruby 3.1
require "json"
require "base64"
require "mixlib/authentication/signatureverification"

input = JSON.parse($stdin.read)

# The verifier reads a Rack-like request: method, path, CGI-style env, params and raw_post.
FakeRequest = Struct.new(:method, :path, :env, :params, :raw_post)
env = { "HTTP_HOST" => "chef.example.com" }
input.fetch("headers").each { |name, value| env["HTTP_" + name.upcase.tr("-", "_")] = value }
request = FakeRequest.new(input.fetch("method"), input.fetch("path"), env, {},
                          Base64.decode64(input.fetch("body_base64")))

key = OpenSSL::PKey::RSA.new(input.fetch("public_key"))
verifier = Mixlib::Authentication::SignatureVerification.new
begin
  result = verifier.authenticate_user_request(request, key)
rescue Mixlib::Authentication::AuthenticationError => e
  puts "rejected: #{e.message}"
  exit 1
end
if result
  puts "verified #{result.name}"
else
  puts "rejected: signature=#{verifier.valid_signature?} timestamp=#{verifier.valid_timestamp?} " \
       "content_hash=#{verifier.valid_content_hash?}"
  exit 1
end
