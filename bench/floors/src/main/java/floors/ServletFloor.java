package floors;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Floor 1: a plain servlet, constant bytes. */
@WebServlet("/servlet/*")
public class ServletFloor extends HttpServlet {
  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("application/json");
    response.setContentLength(Floors.BODY.length);
    response.getOutputStream().write(Floors.BODY);
  }
}
