-- doc: Whether a security group rule or network ACL entry lets TCP traffic reach a port: protocol -1 (all
--   traffic), or TCP ('tcp' or '6') with no port range (NULL, or -1 for all ports) or a range that includes
--   the port (EC2 security group rules and network ACL entries).
-- param protocol: The IP protocol as EC2 reports it: -1, tcp, udp, icmp or a protocol number.
-- param from_port: Start of the port range; NULL or -1 for all ports.
-- param to_port: End of the port range.
-- param port: The TCP port asked about.
CREATE MACRO admits_tcp_port(protocol, from_port, to_port, port) AS
    protocol = '-1' OR (protocol IN ('tcp', '6')
                        AND (from_port IS NULL OR from_port = -1 OR (from_port <= port AND to_port >= port)))
